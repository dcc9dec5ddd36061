import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEALTH_DEADLINE_MS } from '../db/health.js';
import { MAX_STATEMENT_PARAMETERS, TooManyParametersError } from '../db/parameters.js';
import { BACKENDS } from '../test-support/databases.js';
import type { TestApp } from '../test-support/app.js';
import { ADMIN, buildTestApp, loginAs, SETUP_TIMEOUT_MS } from '../test-support/app.js';

/** More failures than the test pool has connections, so every pooled connection sees one. */
const FAILURES = 8;

/**
 * A statement that fails never leaves the embedded database or a pooled connection unusable, and
 * /api/healthz answers from a real query: 503 KASSA_DATABASE_UNAVAILABLE when the database does
 * not answer. (A hello whose upsert went past PGlite's parameter limit used to put its one session
 * out of step with every later statement, while the health check still answered 200.)
 */
describe.each(BACKENDS)('database failures on %s', (backend) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp(backend);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
  });

  async function everythingAnswers(): Promise<void> {
    const health = await t.app.inject({ method: 'GET', url: '/api/healthz' });
    expect(health.statusCode).toBe(200);
    const admin = await loginAs(t.app, ADMIN);
    const answers = await Promise.all(Array.from({ length: FAILURES }, () => admin.inject({ method: 'GET', url: '/api/users' })));
    expect(answers.map((r) => r.statusCode)).toEqual(answers.map(() => 200));
  }

  it('answers the next requests after invalid statements, in and out of transactions', async () => {
    const { db } = t.app.kassa;
    const failures = Array.from({ length: FAILURES }, (_, i) =>
      i % 2 === 0
        ? sql`select no_such_column from users`.execute(db)
        : db.transaction().execute(async (trx) => {
            await sql`select 1`.execute(trx);
            await sql`select * from no_such_table`.execute(trx);
          }),
    );
    for (const outcome of await Promise.allSettled(failures)) expect(outcome.status).toBe('rejected');
    await everythingAnswers();
  });

  it('answers the next requests after constraint errors inside transactions', async () => {
    const { db } = t.app.kassa;
    const failures = Array.from({ length: FAILURES }, () =>
      db.transaction().execute(async (trx) => {
        await trx.insertInto('users').values({ username: ADMIN.username, role: 'admin', password_hash: 'x' }).execute();
      }),
    );
    for (const outcome of await Promise.allSettled(failures)) expect(outcome).toMatchObject({ status: 'rejected', reason: { code: '23505' } });
    await everythingAnswers();
  });

  it('refuses a statement over the parameter limit and answers the next requests', async () => {
    const { db } = t.app.kassa;
    const values = Array.from({ length: 2 * MAX_STATEMENT_PARAMETERS }, (_, i) => i);
    const query = sql`select ${sql.join(values.map((v) => sql`${v}::integer`))}`;
    const failed = await query.execute(db).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failed).not.toBeNull();
    if (backend === 'pglite') expect(failed).toBeInstanceOf(TooManyParametersError);
    await everythingAnswers();
  });

  it('answers 503 KASSA_DATABASE_UNAVAILABLE while the database does not answer, and 200 once it does', async () => {
    const { db } = t.app.kassa;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // PGlite has one session; the test pool has four connections: hold them all.
    const holders = Array.from({ length: backend === 'pglite' ? 1 : 4 }, () =>
      db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        await held;
      }),
    );
    try {
      const started = Date.now();
      const response = await t.app.inject({ method: 'GET', url: '/api/healthz' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ error: { code: 'KASSA_DATABASE_UNAVAILABLE' } });
      expect(Date.now() - started).toBeGreaterThanOrEqual(HEALTH_DEADLINE_MS - 50);
    } finally {
      release();
      await Promise.all(holders);
    }
    await everythingAnswers();
  });
});

describe.each(BACKENDS)('GET /api/healthz with the database gone, on %s', (backend) => {
  it(
    'answers 503 KASSA_DATABASE_UNAVAILABLE',
    async () => {
      const t = await buildTestApp(backend);
      try {
        expect((await t.app.inject({ method: 'GET', url: '/api/healthz' })).statusCode).toBe(200);
        await t.database.close();
        const response = await t.app.inject({ method: 'GET', url: '/api/healthz' });
        expect(response.statusCode).toBe(503);
        expect(response.json()).toMatchObject({ error: { code: 'KASSA_DATABASE_UNAVAILABLE' } });
      } finally {
        await t.app.close();
      }
    },
    SETUP_TIMEOUT_MS,
  );
});
