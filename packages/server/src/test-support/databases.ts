import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../db/database.js';
import { openDatabase } from '../db/database.js';

export const TEST_DATABASE_URL = process.env['KASSA_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export const BACKENDS = ['pglite', 'postgres'] as const;
export type Backend = (typeof BACKENDS)[number];

export interface TestDatabase extends Database {
  /** The schema this run owns on the PostgreSQL server (empty on PGlite). */
  readonly schema: string;
}

/** Creates a fresh schema on the shared server so parallel runs never meet. */
export async function createTestSchema(): Promise<string> {
  const schema = `kassa_t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`create schema "${schema}"`);
  } finally {
    await client.end();
  }
  return schema;
}

export async function dropTestSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/** A migrated, empty database on the backend; closing it removes everything it made. */
export async function openTestDatabase(backend: Backend, schema?: string): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const database = await openDatabase({ kind: 'pglite', dataDir: null });
    return { ...database, schema: '' };
  }
  const owned = schema === undefined;
  const name = schema ?? (await createTestSchema());
  const database = await openDatabase({ kind: 'postgres', url: TEST_DATABASE_URL, schema: name, poolSize: 4 });
  return {
    ...database,
    schema: name,
    close: async () => {
      await database.close();
      if (owned) await dropTestSchema(name);
    },
  };
}
