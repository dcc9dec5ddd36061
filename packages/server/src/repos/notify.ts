import { sql } from 'kysely';
import { channelName } from '../db/notifications.js';
import type { Executor } from './executor.js';

/** PostgreSQL caps a NOTIFY payload at 8000 bytes; kassa's payloads stay well under this. */
export const MAX_NOTIFY_BYTES = 7900;

/** Sends a notification that listeners receive when the surrounding transaction commits. */
export async function notify(db: Executor, prefix: string, channel: string, payload: string): Promise<void> {
  await sql`select pg_notify(${channelName(prefix, channel)}, ${payload})`.execute(db);
}
