import type { BoxCommand } from './box-commands.js';
import type { Executor } from './executor.js';

const columns = ['id', 'box_id', 'kind', 'payload'] as const;
const toCommand = (r: { id: number; box_id: string; kind: string; payload: unknown }): BoxCommand => ({ id: Number(r.id), boxId: r.box_id, kind: r.kind, payload: r.payload });

/** Undelivered commands of a box after `afterId`, oldest first: paging through a long backlog. */
export async function undeliveredCommandsAfter(db: Executor, boxId: string, afterId: number, limit: number): Promise<BoxCommand[]> {
  const rows = await db.selectFrom('box_commands').select(columns).where('box_id', '=', boxId).where('delivered_at', 'is', null).where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return rows.map(toCommand);
}

/** The commands among `ids` that belong to the box and are still undelivered, oldest first. */
export async function undeliveredCommandsIn(db: Executor, boxId: string, ids: readonly number[]): Promise<BoxCommand[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('box_commands').select(columns).where('box_id', '=', boxId).where('delivered_at', 'is', null).where('id', 'in', [...ids]).orderBy('id').execute();
  return rows.map(toCommand);
}

/** A box confirms only its own commands; an id of another box's command changes nothing. */
export async function markBoxCommandsDelivered(db: Executor, boxId: string, ids: readonly number[], at: Date): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db.updateTable('box_commands').set({ delivered_at: at }).where('box_id', '=', boxId).where('id', 'in', [...ids]).where('delivered_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}
