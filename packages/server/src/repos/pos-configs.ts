import type { Executor } from './executor.js';

export interface PosConfig {
  readonly id: number;
  readonly name: string;
  readonly paymentMethodIds: number[];
  /** Kept for history, hidden from the till's choices, refused for new sessions. */
  readonly archived: boolean;
  /** The shop (location) it stands in, or null. */
  readonly shop: string | null;
}

const columns = ['id', 'name', 'archived_at', 'shop'] as const;
const toConfig = (row: { id: number; name: string; archived_at: Date | null; shop: string | null }, paymentMethodIds: number[]): PosConfig => ({
  id: row.id,
  name: row.name,
  paymentMethodIds,
  archived: row.archived_at !== null,
  shop: row.shop,
});

export async function listPosConfigs(db: Executor): Promise<PosConfig[]> {
  const configs = await db.selectFrom('pos_configs').select(columns).orderBy('id').execute();
  const links = await db.selectFrom('pos_config_methods').selectAll().orderBy('payment_method_id').execute();
  return configs.map((c) =>
    toConfig(
      c,
      links.filter((l) => l.pos_config_id === c.id).map((l) => l.payment_method_id),
    ),
  );
}

export async function getPosConfig(db: Executor, id: number): Promise<PosConfig | null> {
  const config = await db.selectFrom('pos_configs').select(columns).where('id', '=', id).executeTakeFirst();
  if (config === undefined) return null;
  const links = await db.selectFrom('pos_config_methods').select('payment_method_id').where('pos_config_id', '=', id).orderBy('payment_method_id').execute();
  return toConfig(
    config,
    links.map((l) => l.payment_method_id),
  );
}

/** `shop` left out: unchanged (none on a new one). */
interface PosConfigInput {
  readonly name: string;
  readonly paymentMethodIds: readonly number[];
  readonly shop?: string | null | undefined;
}

export async function createPosConfig(db: Executor, config: PosConfigInput): Promise<PosConfig> {
  const row = await db
    .insertInto('pos_configs')
    .values({ name: config.name, shop: config.shop ?? null })
    .returning(columns)
    .executeTakeFirstOrThrow();
  await setPosMethods(db, row.id, config.paymentMethodIds);
  return toConfig(
    row,
    [...new Set(config.paymentMethodIds)].sort((a, b) => a - b),
  );
}

export async function updatePosConfig(db: Executor, id: number, config: PosConfigInput): Promise<PosConfig | null> {
  const row = await db
    .updateTable('pos_configs')
    .set({ name: config.name, ...(config.shop === undefined ? {} : { shop: config.shop }) })
    .where('id', '=', id)
    .returning(['id', 'name'])
    .executeTakeFirst();
  if (row === undefined) return null;
  await setPosMethods(db, id, config.paymentMethodIds);
  return getPosConfig(db, id);
}

async function setPosMethods(db: Executor, id: number, methodIds: readonly number[]): Promise<void> {
  await db.deleteFrom('pos_config_methods').where('pos_config_id', '=', id).execute();
  const unique = [...new Set(methodIds)];
  if (unique.length > 0)
    await db
      .insertInto('pos_config_methods')
      .values(unique.map((m) => ({ pos_config_id: id, payment_method_id: m })))
      .execute();
}

/** Archives a POS configuration (at `at`) or brings it back (null). */
export async function setPosConfigArchived(db: Executor, id: number, at: Date | null): Promise<PosConfig | null> {
  const row = await db.updateTable('pos_configs').set({ archived_at: at }).where('id', '=', id).returning('id').executeTakeFirst();
  return row === undefined ? null : getPosConfig(db, id);
}

/** The sessions of a POS configuration: all of them, and those open now. */
export async function posConfigSessions(db: Executor, id: number): Promise<{ sessions: number; open: number }> {
  const row = await db
    .selectFrom('pos_sessions')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>(eb.case().when('state', '=', 'open').then(1).else(0).end()).as('open')])
    .where('pos_config_id', '=', id)
    .executeTakeFirstOrThrow();
  return { sessions: Number(row.n), open: Number(row.open ?? 0) };
}

export async function deletePosConfig(db: Executor, id: number): Promise<void> {
  await db.deleteFrom('pos_config_methods').where('pos_config_id', '=', id).execute();
  await db.deleteFrom('pos_configs').where('id', '=', id).execute();
}

/**
 * The POS configurations in use (not archived) that offer a method and no other method in use:
 * archiving that method would leave them with nothing to pay by. Their rows are locked first, and
 * the check reads again after the lock, so that two methods archived at once cannot each count on
 * the other (under READ COMMITTED each statement sees what committed before it began).
 */
export async function posConfigsLeftWithoutMethod(db: Executor, methodId: number): Promise<{ id: number; name: string }[]> {
  const offering = db.selectFrom('pos_config_methods').select('pos_config_id').where('payment_method_id', '=', methodId);
  await db.selectFrom('pos_configs').select('id').where('id', 'in', offering).forUpdate().execute();
  return db
    .selectFrom('pos_configs as pc')
    .select(['pc.id', 'pc.name'])
    .where('pc.archived_at', 'is', null)
    .where('pc.id', 'in', offering)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('pos_config_methods as l')
            .innerJoin('payment_methods as m', 'm.id', 'l.payment_method_id')
            .select('l.payment_method_id')
            .whereRef('l.pos_config_id', '=', 'pc.id')
            .where('l.payment_method_id', '<>', methodId)
            .where('m.archived_at', 'is', null),
        ),
      ),
    )
    .orderBy('pc.id')
    .execute();
}

/** Whether a POS configuration offers at least one method in use (not archived). */
export async function posConfigHasActiveMethod(db: Executor, id: number): Promise<boolean> {
  const row = await db
    .selectFrom('pos_config_methods as l')
    .innerJoin('payment_methods as m', 'm.id', 'l.payment_method_id')
    .select('l.payment_method_id')
    .where('l.pos_config_id', '=', id)
    .where('m.archived_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}
