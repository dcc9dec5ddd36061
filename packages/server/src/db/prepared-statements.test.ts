import { sql } from 'kysely';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, dropTestSchema, TEST_DATABASE_URL } from '../test-support/databases.js';
import type { Database } from './database.js';
import { openDatabase } from './database.js';
import { prepareRepeatedStatements } from './prepared-statements.js';

/** A client that records what it is asked to send. */
function recordingClient(): { client: pg.PoolClient; sent: unknown[] } {
  const sent: unknown[] = [];
  const client = {
    query: (config: unknown, values?: unknown) => {
      sent.push(values === undefined ? config : [config, values]);
      return Promise.resolve({ rows: [] });
    },
  } as unknown as pg.PoolClient;
  return { client, sent };
}

describe('prepareRepeatedStatements', () => {
  it('names a statement with parameters after its text, the same name for the same text', () => {
    const { client, sent } = recordingClient();
    prepareRepeatedStatements(client);
    void client.query('select $1::int', [1]);
    void client.query('select $1::int', [2]);
    void client.query('select $1::text', ['x']);
    const names = sent.map((s) => (s as { name: string }).name);
    expect(names[0]).toMatch(/^kassa_[A-Za-z0-9_-]{27}$/);
    expect(names[1]).toBe(names[0]);
    expect(names[2]).not.toBe(names[0]);
    expect(sent[1]).toMatchObject({ text: 'select $1::int', values: [2] });
  });

  it('sends statements without parameters, and texts past the limit, as they are', () => {
    const { client, sent } = recordingClient();
    prepareRepeatedStatements(client, 1);
    void client.query('begin');
    void client.query('select $1::int', [1]);
    void client.query('select $1::text', ['x']);
    void client.query('select $1::int', [3]);
    expect(sent).toEqual([
      'begin',
      expect.objectContaining({ text: 'select $1::int' }),
      ['select $1::text', ['x']],
      expect.objectContaining({ text: 'select $1::int', values: [3] }),
    ]);
  });
});

describe('a prepared statement whose table changed under it', () => {
  let schema: string;
  let database: Database;

  beforeAll(async () => {
    schema = await createTestSchema();
    database = await openDatabase({ kind: 'postgres', url: TEST_DATABASE_URL, schema, poolSize: 1 });
    await sql`create table drift (id int)`.execute(database.db);
  }, 120_000);

  afterAll(async () => {
    await database.close();
    await dropTestSchema(schema);
  });

  it('fails once, then runs unprepared and answers with the new columns', async () => {
    const read = () => sql<Record<string, unknown>>`select * from drift where id > ${0}`.execute(database.db);
    await read();
    await sql`alter table drift add column note text`.execute(database.db);
    await sql`insert into drift values (1, 'new')`.execute(database.db);
    await expect(read()).rejects.toMatchObject({ code: '0A000' });
    expect((await read()).rows).toEqual([{ id: 1, note: 'new' }]);
  });
});

describe('a PostgreSQL connection', () => {
  let schema: string;
  let prepared: Database;
  let plain: Database;

  beforeAll(async () => {
    schema = await createTestSchema();
    prepared = await openDatabase({ kind: 'postgres', url: TEST_DATABASE_URL, schema, poolSize: 1 });
    plain = await openDatabase({ kind: 'postgres', url: TEST_DATABASE_URL, schema, poolSize: 1, preparedStatements: false });
  }, 120_000);

  afterAll(async () => {
    await prepared.close();
    await plain.close();
    await dropTestSchema(schema);
  });

  const preparedOn = async (database: Database): Promise<number> => {
    for (let i = 0; i < 3; i++) await sql`select count(*) from users where id > ${i}`.execute(database.db);
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from pg_prepared_statements where name like 'kassa\\_%' and statement like '%from users where id >%'`.execute(database.db);
    return rows[0]?.n ?? -1;
  };

  it('keeps one prepared statement for a query it runs again and again', async () => {
    expect(await preparedOn(prepared)).toBe(1);
  });

  it('prepares nothing when told not to', async () => {
    expect(await preparedOn(plain)).toBe(0);
  });
});
