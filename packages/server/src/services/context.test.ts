import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { serviceContext } from '../bench/shop.js';
import type { Executor } from '../repos/executor.js';
import type { TestDatabase } from '../test-support/databases.js';
import { BACKENDS, openTestDatabase } from '../test-support/databases.js';
import type { ServiceContext } from './context.js';
import { onOneConnection } from './context.js';

vi.setConfig({ hookTimeout: 120_000, testTimeout: 60_000 });

/** Sets a session setting in one statement and reads it in the next: the same only on one session. */
async function settingSurvives(db: Executor, value: string): Promise<boolean> {
  await sql`select set_config('kassa.probe', ${value}, false)`.execute(db);
  const { rows } = await sql<{ probe: string | null }>`select current_setting('kassa.probe', true) as probe`.execute(db);
  return rows[0]?.probe === value;
}

describe.each(BACKENDS)('onOneConnection on %s', (backend) => {
  let database: TestDatabase;
  let ctx: ServiceContext;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    ctx = serviceContext(database);
  });
  afterAll(async () => {
    await database.close();
  });

  it('runs the work in the transaction it is given', async () => {
    const seen = await ctx.db.transaction().execute(async (trx) => onOneConnection({ ...ctx, db: trx }, async (own) => own.db === trx));
    expect(seen).toBe(true);
  });

  it('lets the work’s error through, and the connection serves the next work', async () => {
    await expect(
      onOneConnection(ctx, async (own) => {
        await sql`select 1 / 0`.execute(own.db);
      }),
    ).rejects.toThrow(/division by zero/);
    expect(await onOneConnection(ctx, async (own) => settingSurvives(own.db, 'after'))).toBe(true);
  });
});

// PGlite has one session for everything: the works would share it, which is the point of PGlite.
describe('onOneConnection on a PostgreSQL pool', () => {
  let database: TestDatabase;
  let ctx: ServiceContext;

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    ctx = serviceContext(database);
  });
  afterAll(async () => {
    await database.close();
  });

  it('runs every statement of the work on one database session, and answers what the work answers', async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => onOneConnection(ctx, async (own) => ((await settingSurvives(own.db, `v${i}`)) ? i : -1))),
    );
    expect(answers).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });
});
