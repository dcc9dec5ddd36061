import type { PaymentState } from '@kassa/contract';
import { sql } from 'kysely';
import type { QueuedCommand, UnreadableCommand } from './box-commands.js';
import { storedCommand } from './box-commands.js';
import type { Executor } from './executor.js';

/** An undelivered command as read back, with the state its payment is in now (null when it names none). */
export type UndeliveredCommand = (QueuedCommand | UnreadableCommand) & { readonly paymentState: PaymentState | null };

const columns = ['box_commands.id', 'box_commands.box_id', 'box_commands.payload', 'payments.state as payment_state'] as const;
const toCommand = (r: { id: number; box_id: string; payload: unknown; payment_state: PaymentState | null }): UndeliveredCommand => ({
  ...storedCommand({ id: r.id, boxId: r.box_id, payload: r.payload }),
  paymentState: r.payment_state,
});

/** One statement text whatever the number of ids (`in (…)` makes one per count): prepared and planned once. */
function anyId(column: 'id' | 'box_commands.id', ids: readonly number[]) {
  return sql<boolean>`${sql.ref(column)} = any(${[...ids]}::bigint[])`;
}

// Commands name their payment inside the JSON payload; the join reads its state in the same query.
function pending(db: Executor, boxId: string) {
  return db
    .selectFrom('box_commands')
    .leftJoin('payments', (join) => join.on('payments.uuid', '=', sql<string>`box_commands.payload->>'paymentUuid'`))
    .select(columns)
    .where('box_commands.box_id', '=', boxId)
    .where('box_commands.delivered_at', 'is', null);
}

/** Undelivered commands of a box after `afterId`, oldest first: paging through a long backlog. */
export async function undeliveredCommandsAfter(db: Executor, boxId: string, afterId: number, limit: number): Promise<UndeliveredCommand[]> {
  const rows = await pending(db, boxId).where('box_commands.id', '>', afterId).orderBy('box_commands.id').limit(limit).execute();
  return rows.map(toCommand);
}

/** The commands among `ids` that belong to the box and are still undelivered, oldest first. */
export async function undeliveredCommandsIn(db: Executor, boxId: string, ids: readonly number[]): Promise<UndeliveredCommand[]> {
  if (ids.length === 0) return [];
  const rows = await pending(db, boxId).where(anyId('box_commands.id', ids)).orderBy('box_commands.id').execute();
  return rows.map(toCommand);
}

/** A box confirms only its own commands; an id of another box's command changes nothing. */
export async function markBoxCommandsDelivered(db: Executor, boxId: string, ids: readonly number[], at: Date): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .updateTable('box_commands')
    .set({ delivered_at: at })
    .where('box_id', '=', boxId)
    .where(anyId('id', ids))
    .where('delivered_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
