import type { Executor } from '../repos/executor.js';

/** The id of the oldest event still kept for replay, or null when none is. */
export async function oldestEventId(db: Executor): Promise<number | null> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.min('id').as('id'))
    .executeTakeFirst();
  return row?.id === null || row?.id === undefined ? null : Number(row.id);
}
