import type { Executor } from './executor.js';

export interface PosConfig {
  readonly id: number;
  readonly name: string;
  readonly paymentMethodIds: number[];
}

export async function listPosConfigs(db: Executor): Promise<PosConfig[]> {
  const configs = await db.selectFrom('pos_configs').select(['id', 'name']).orderBy('id').execute();
  const links = await db.selectFrom('pos_config_methods').selectAll().orderBy('payment_method_id').execute();
  return configs.map((c) => ({ ...c, paymentMethodIds: links.filter((l) => l.pos_config_id === c.id).map((l) => l.payment_method_id) }));
}

export async function getPosConfig(db: Executor, id: number): Promise<PosConfig | null> {
  const config = await db.selectFrom('pos_configs').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
  if (config === undefined) return null;
  const links = await db.selectFrom('pos_config_methods').select('payment_method_id').where('pos_config_id', '=', id).orderBy('payment_method_id').execute();
  return { ...config, paymentMethodIds: links.map((l) => l.payment_method_id) };
}

export async function createPosConfig(db: Executor, config: { name: string; paymentMethodIds: readonly number[] }): Promise<PosConfig> {
  const row = await db.insertInto('pos_configs').values({ name: config.name }).returning(['id', 'name']).executeTakeFirstOrThrow();
  await setPosMethods(db, row.id, config.paymentMethodIds);
  return { ...row, paymentMethodIds: [...config.paymentMethodIds].sort((a, b) => a - b) };
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
  if (unique.length > 0) await db.insertInto('pos_config_methods').values(unique.map((m) => ({ pos_config_id: id, payment_method_id: m }))).execute();
}
