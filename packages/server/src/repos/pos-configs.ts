import type { Executor } from './executor.js';

export interface PosConfig {
  readonly id: number;
  readonly name: string;
  readonly paymentMethodIds: number[];
  /** Kept for history, hidden from the till's choices, refused for new sessions. */
  readonly archived: boolean;
}

const columns = ['id', 'name', 'archived_at'] as const;
const toConfig = (row: { id: number; name: string; archived_at: Date | null }, paymentMethodIds: number[]): PosConfig => ({
  id: row.id,
  name: row.name,
  paymentMethodIds,
  archived: row.archived_at !== null,
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

export async function createPosConfig(db: Executor, config: { name: string; paymentMethodIds: readonly number[] }): Promise<PosConfig> {
  const row = await db.insertInto('pos_configs').values({ name: config.name }).returning(columns).executeTakeFirstOrThrow();
  await setPosMethods(db, row.id, config.paymentMethodIds);
  return toConfig(
    row,
    [...new Set(config.paymentMethodIds)].sort((a, b) => a - b),
  );
}

export async function updatePosConfig(db: Executor, id: number, config: { name: string; paymentMethodIds: readonly number[] }): Promise<PosConfig | null> {
  const row = await db.updateTable('pos_configs').set({ name: config.name }).where('id', '=', id).returning(['id', 'name']).executeTakeFirst();
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
