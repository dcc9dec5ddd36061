import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestSchema, dropTestSchema, TEST_DATABASE_URL } from '../test-support/databases.js';
import type { Database } from './database.js';
import { openDatabase } from './database.js';

describe('a PostgreSQL database whose idle connections are dropped', () => {
  const applicationName = `kassa-idle-${randomBytes(4).toString('hex')}`;
  const dropped: Error[] = [];
  let schema: string;
  let database: Database;

  beforeAll(async () => {
    schema = await createTestSchema();
    const url = `${TEST_DATABASE_URL}${TEST_DATABASE_URL.includes('?') ? '&' : '?'}application_name=${applicationName}`;
    database = await openDatabase({ kind: 'postgres', url, schema, poolSize: 2, onIdleConnectionError: (error) => dropped.push(error) });
  }, 120_000);

  afterAll(async () => {
    await database.close();
    await dropTestSchema(schema);
  });

  it('reports the drop, stays up, and answers the next query on a fresh connection', async () => {
    await sql`select 1`.execute(database.db);
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      const killed = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and pid <> pg_backend_pid()', [
        applicationName,
      ]);
      expect(killed.rowCount).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    await vi.waitFor(() => expect(dropped.length).toBeGreaterThan(0), { timeout: 10_000, interval: 20 });
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(database.db);
    expect(rows).toEqual([{ one: 1 }]);
  });
});

describe('a pooled PostgreSQL connection past its lifetime', () => {
  let schema: string;
  let database: Database;

  beforeAll(async () => {
    schema = await createTestSchema();
    database = await openDatabase({ kind: 'postgres', url: TEST_DATABASE_URL, schema, poolSize: 1, connectionLifetimeSeconds: 1 });
  }, 120_000);

  afterAll(async () => {
    await database.close();
    await dropTestSchema(schema);
  });

  it('is replaced by a new one, whose statements are prepared again', async () => {
    const backend = async (): Promise<number> =>
      (await sql<{ pid: number }>`select pg_backend_pid() as pid where ${1}::int = 1`.execute(database.db)).rows[0]?.pid ?? -1;
    const first = await backend();
    expect(await backend()).toBe(first);
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    const second = await backend();
    expect(second).not.toBe(first);
    expect(await backend()).toBe(second);
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from pg_prepared_statements where statement like '%pg_backend_pid() as pid where%'`.execute(database.db);
    expect(rows[0]?.n).toBe(1);
    // The old backend goes once the pool has ended its connection.
    const gone = async (): Promise<boolean> =>
      (await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where pid = ${first}::int`.execute(database.db)).rows[0]?.n === 0;
    for (let i = 0; i < 40 && !(await gone()); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await gone()).toBe(true);
  });
});
