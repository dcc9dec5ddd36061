import { sql } from 'kysely';
import type { Executor } from './executor.js';
import { toJson } from './executor.js';
import { notify } from './notify.js';

export interface BoxCommand {
  readonly id: number;
  readonly boxId: string;
  readonly kind: string;
  readonly payload: unknown;
}

export const COMMANDS_CHANNEL = 'box_commands';

/** Queues a command for a box and tells every server process; the one holding the box sends it. */
export async function enqueueCommand(db: Executor, prefix: string, command: { boxId: string; kind: string; payload: unknown }): Promise<number> {
  const row = await db.insertInto('box_commands').values({ box_id: command.boxId, kind: command.kind, payload: toJson(command.payload) }).returning('id').executeTakeFirstOrThrow();
  // The command travels with its notification, so the process holding the box sends it without reading it back.
  await notify(db, prefix, COMMANDS_CHANNEL, toJson({ boxId: command.boxId, id: Number(row.id), kind: command.kind, payload: command.payload }));
  return Number(row.id);
}

export async function undeliveredCommands(db: Executor, boxId: string, limit = 100): Promise<BoxCommand[]> {
  const rows = await db.selectFrom('box_commands').select(['id', 'box_id', 'kind', 'payload']).where('box_id', '=', boxId).where('delivered_at', 'is', null).orderBy('id').limit(limit).execute();
  return rows.map((r) => ({ id: Number(r.id), boxId: r.box_id, kind: r.kind, payload: r.payload }));
}

export async function markCommandsDelivered(db: Executor, ids: readonly number[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('box_commands').set({ delivered_at: at }).where(sql<boolean>`id = any(${[...ids]}::bigint[])`).execute();
}

