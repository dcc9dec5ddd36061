import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { sql } from 'kysely';
import type { Executor } from '../repos/executor.js';

/** Expired counters are deleted after this many increments, so the table stays small. */
const SWEEP_EVERY = 200;

/**
 * Counts one more hit of `key` in the current window (a new window starts when the last one is
 * over) and returns the count and the milliseconds left, in one statement on the database clock.
 */
export async function countHit(db: Executor, key: string, windowMs: number): Promise<{ current: number; ttl: number }> {
  const window = sql`(${windowMs} * interval '1 millisecond')`;
  const expired = sql`rate_limits.window_start + ${window} <= now()`;
  const row = await db
    .insertInto('rate_limits')
    .values({ key, count: 1, window_start: sql<Date>`now()` })
    .onConflict((c) =>
      c.column('key').doUpdateSet({
        count: sql<number>`case when ${expired} then 1 else rate_limits.count + 1 end`,
        window_start: sql<Date>`case when ${expired} then now() else rate_limits.window_start end`,
      }),
    )
    .returning(['count', sql<number>`greatest(0, ceil(extract(epoch from (window_start + ${window} - now())) * 1000))`.as('ttl')])
    .executeTakeFirstOrThrow();
  return { current: Number(row.count), ttl: Number(row.ttl) };
}

/** Forgets the hits of `key` (a right approval starts its count again). */
export async function clearHits(db: Executor, key: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('key', '=', key).execute();
}

/**
 * A store for @fastify/rate-limit that keeps its counters in PostgreSQL, so every server process
 * sharing the database counts the same attempts.
 */
export function databaseRateLimitStore(db: Executor): FastifyRateLimitStoreCtor {
  let hits = 0;
  class DatabaseStore implements FastifyRateLimitStore {
    readonly #prefix: string;

    constructor(_options: unknown, prefix = '') {
      this.#prefix = prefix;
    }

    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      hits += 1;
      if (hits % SWEEP_EVERY === 0)
        void db
          .deleteFrom('rate_limits')
          .where('window_start', '<', new Date(Date.now() - 24 * 60 * 60 * 1000))
          .execute()
          .catch(() => undefined);
      countHit(db, `${this.#prefix}${key}`, timeWindow).then(
        (result) => callback(null, result),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    }

    child(routeOptions: { method?: unknown; url?: unknown }): FastifyRateLimitStore {
      return new DatabaseStore(routeOptions, `${String(routeOptions.method)} ${String(routeOptions.url)} `);
    }
  }
  return DatabaseStore;
}
