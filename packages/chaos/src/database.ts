import pg from 'pg';

/** The run's own database on the PostgreSQL server: created fresh, dropped at the end. */
export interface RunDatabase {
  readonly name: string;
  /** The URL the servers get. */
  readonly url: string;
  /** Terminates this database's server connections (not the caller's own); returns how many. */
  terminateConnections(filter?: { onlyApplication?: string }): Promise<number>;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'kassa-chaos-admin' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates `kassa_chaos_<seed>` (dropping a leftover of an earlier run with that seed first). */
export async function createRunDatabase(serverUrl: string, seed: number): Promise<RunDatabase> {
  const name = `kassa_chaos_${seed}`;
  await admin(serverUrl, async (client) => {
    await client.query(`drop database if exists "${name}" with (force)`);
    await client.query(`create database "${name}"`);
  });
  return {
    name,
    url: withDatabase(serverUrl, name),
    terminateConnections: (filter = {}) =>
      admin(serverUrl, async (client) => {
        const result = await client.query<{ killed: boolean }>(
          `select pg_terminate_backend(pid) as killed from pg_stat_activity
            where datname = $1 and pid <> pg_backend_pid() and ($2::text is null or application_name = $2)`,
          [name, filter.onlyApplication ?? null],
        );
        return result.rows.filter((row) => row.killed).length;
      }),
    drop: () =>
      admin(serverUrl, async (client) => {
        await client.query(`drop database if exists "${name}" with (force)`);
      }),
  };
}
