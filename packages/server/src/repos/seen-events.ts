import { sql } from 'kysely';
import type { Executor } from './executor.js';

/**
 * Deletes at most `limit` records of box event ids older than `before`; returns how many went.
 * Rows another process is deleting at the same moment are skipped rather than waited for, so any
 * number of processes may prune at once.
 */
export async function pruneSeenBoxEvents(db: Executor, before: Date, limit: number): Promise<number> {
  const result = await sql`
    delete from box_events_seen where ctid = any(array(
      select ctid from box_events_seen where at < ${before}::timestamptz limit ${limit}::integer for update skip locked))`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * Deletes at most `limit` box events that named no payment of their box (kept for inspection),
 * recorded before `before`; returns how many went. Skips rows another process is deleting.
 */
export async function pruneUnmatchedBoxEvents(db: Executor, before: Date, limit: number): Promise<number> {
  const result = await sql`
    delete from box_unmatched_events where ctid = any(array(
      select ctid from box_unmatched_events where at < ${before}::timestamptz limit ${limit}::integer for update skip locked))`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}
