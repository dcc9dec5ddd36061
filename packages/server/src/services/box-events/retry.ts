import { isRetryableConflict, isUniqueViolation } from '../../db/sql-errors.js';
import { HISTORY_EVENT_INDEX } from '../../repos/uplink-batch.js';
import type { Executor } from '../../repos/executor.js';
import type { ServiceContext } from '../context.js';

const ATTEMPTS = 3;

/**
 * A transaction that is run again when PostgreSQL gave it up to break a deadlock (a box's device
 * rows are written by its events and, all at once, by its hello and its link's end).
 */
export async function inTransaction<T>(ctx: ServiceContext, work: (trx: Executor) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.db.transaction().execute(work);
    } catch (error) {
      if (attempt >= ATTEMPTS || !retryable(error)) throw error;
    }
  }
}

/**
 * A deadlock given up, or an event applied by another process while this one waited for the
 * payment's lock (see lockBatch): run again, the transaction sees it as applied.
 */
function retryable(error: unknown): boolean {
  return historyConflict(error) || isRetryableConflict(error);
}

/** The entry of an event that another process wrote after this one read the history. */
export function historyConflict(error: unknown): boolean {
  return isUniqueViolation(error, HISTORY_EVENT_INDEX);
}
