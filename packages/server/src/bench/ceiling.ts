import pg from 'pg';

/**
 * How many transactions that NOTIFY PostgreSQL commits per second here, with `connections`
 * clients: PostgreSQL serialises such commits (each holds a database-wide lock through its WAL
 * flush), and every payment request is one, so this bounds the payments per second of any design
 * that announces each change inside its transaction.
 */
export async function notifyingCommitsPerSecond(url: string, schema: string, connections: number, seconds: number): Promise<number> {
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
      await client.connect();
      return client;
    }),
  );
  try {
    await clients[0]?.query('create table if not exists bench_notify_probe (n integer)');
    let commits = 0;
    const end = Date.now() + seconds * 1000;
    await Promise.all(
      clients.map(async (client) => {
        while (Date.now() < end) {
          await client.query('begin');
          await client.query('insert into bench_notify_probe values (1)');
          await client.query(`select pg_notify('kassa_bench_probe', 'x')`);
          await client.query('commit');
          commits++;
        }
      }),
    );
    return commits / seconds;
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
}
