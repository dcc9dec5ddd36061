import type { BoxCommand } from '@kassa/contract';
import { checkBoxCommand, ContractError } from '@kassa/contract';
import type { Executor } from './executor.js';
import { toJson } from './executor.js';
import { notify } from './notify.js';

/**
 * A command queued for one box: its id (what the box confirms with commandReceived) and the
 * contract command itself, which is what the `payload` column stores (`kind` repeats its kind).
 */
export interface QueuedCommand {
  readonly id: number;
  readonly boxId: string;
  readonly command: BoxCommand;
}

/** A stored command that does not match the box contract: never sent, reported instead. */
export interface UnreadableCommand {
  readonly id: number;
  readonly boxId: string;
  readonly error: string;
}

export const COMMANDS_CHANNEL = 'box_commands';

/** A stored command read back (a row, or a NOTIFY that carried it), checked against the contract. */
export function storedCommand(row: { id: number | string; boxId: string; payload: unknown }): QueuedCommand | UnreadableCommand {
  const id = Number(row.id);
  const payload = row.payload;
  try {
    checkBoxCommand(payload);
  } catch (error) {
    if (!(error instanceof ContractError)) throw error;
    return { id, boxId: row.boxId, error: `command ${id} does not match the box contract: ${error.message}` };
  }
  return { id, boxId: row.boxId, command: payload };
}

/**
 * Queues a command for a box and tells every server process; the one holding the box sends it. The
 * command is checked against the contract first: one the box would refuse is never stored.
 */
export async function enqueueCommand(db: Executor, prefix: string, boxId: string, command: BoxCommand): Promise<number> {
  checkBoxCommand(command);
  const row = await db
    .insertInto('box_commands')
    .values({ box_id: boxId, kind: command.kind, payload: toJson(command) })
    .returning('id')
    .executeTakeFirstOrThrow();
  // The command travels with its notification, so the process holding the box sends it without reading it back.
  await notify(db, prefix, COMMANDS_CHANNEL, toJson({ boxId, id: Number(row.id), command }));
  return Number(row.id);
}
