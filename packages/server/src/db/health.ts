import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Schema } from './schema.js';

/** How long the health check waits for the database before it says the database does not answer. */
export const HEALTH_DEADLINE_MS = 2000;

/**
 * Whether the database answers a real query, and answers it right, within the deadline: a closed
 * or broken database, a pool with no free connection and an embedded database whose one session is
 * held all count as not answering.
 */
export async function databaseAnswers(db: Kysely<Schema>, deadlineMs = HEALTH_DEADLINE_MS): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), deadlineMs);
  });
  const query = sql<{ ok: number }>`select 1 as ok`.execute(db).then(
    ({ rows }) => rows.length === 1 && Number(rows[0]?.ok) === 1,
    () => false,
  );
  try {
    return await Promise.race([query, late]);
  } finally {
    clearTimeout(timer);
  }
}
