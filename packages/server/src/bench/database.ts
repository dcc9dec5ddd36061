import pg from 'pg';

/** The PostgreSQL server the benches run on; each makes and drops a schema of its own there. */
export const BENCH_DATABASE_URL = process.env['KASSA_BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** One statement on a connection of its own, outside the server under test (make or drop a schema). */
export async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
