import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { makePrivateDir } from '../private-files.js';
import { migrationProvider } from './migrations.js';
import type { NotificationBus } from './notifications.js';
import { PgNotificationBus, PGliteNotificationBus } from './notifications.js';
import { PGliteDialect } from './pglite-dialect.js';
import { prepareRepeatedStatements } from './prepared-statements.js';
import type { Schema } from './schema.js';

export type DatabaseOptions =
  | { readonly kind: 'pglite'; readonly dataDir: string | null }
  | {
      readonly kind: 'postgres';
      readonly url: string;
      readonly schema?: string;
      readonly poolSize?: number;
      /** Prepare repeated statements on each connection (default true); off behind a pooler that cannot keep them. */
      readonly preparedStatements?: boolean;
      /** A pooled connection is replaced once it is this old (default CONNECTION_LIFETIME_SECONDS), as soon as it is idle. */
      readonly connectionLifetimeSeconds?: number;
      /** Told when PostgreSQL drops an idle pooled connection (restart, pg_terminate_backend, network). */
      readonly onIdleConnectionError?: (error: Error) => void;
    };

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Kysely<Schema>;
  /** LISTEN/NOTIFY between the processes that share the database. */
  readonly bus: NotificationBus;
  /** PGlite only: a consistent gzipped tarball of the data folder (see db/backup.ts). */
  readonly dump?: () => Promise<Uint8Array>;
  close(): Promise<void>;
}

/**
 * PostgreSQL keeps a prepared statement's generic plan for the connection's life, chosen from the
 * table sizes of the moment it was made: a connection opened on a young shop's small tables would
 * go on scanning them whole once they have grown. Renewing connections bounds how old a plan gets.
 */
export const CONNECTION_LIFETIME_SECONDS = 30 * 60;

const INT8_OID = 20;
// Counts and bigint ids stay far below 2^53, so they are read as numbers, the same on both backends.
const parseInt8 = (value: string): number => Number(value);

/** Opens the database the options name and brings its schema to the latest migration. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const database = options.kind === 'pglite' ? await openPGlite(options.dataDir) : openPostgres(options);
  try {
    await migrate(database.db, options.kind === 'postgres' ? (options.schema ?? 'public') : 'public');
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

async function openPGlite(dataDir: string | null): Promise<Database> {
  if (dataDir !== null) makePrivateDir(dataDir);
  const pglite = await PGlite.create(dataDir ?? undefined, { parsers: { [INT8_OID]: parseInt8 } });
  const db = new Kysely<Schema>({ dialect: new PGliteDialect(pglite) });
  return {
    kind: 'pglite',
    db,
    bus: new PGliteNotificationBus(pglite),
    dump: () => dumpPGlite(pglite),
    close: async () => {
      await db.destroy();
      await pglite.close();
    },
  };
}

/**
 * A checkpoint first, so the copy needs little WAL replay; then the files are read while no
 * statement runs. A transaction left open between two statements is in the WAL and is rolled back
 * when the copy is opened, as after a power cut: the copy is consistent.
 */
async function dumpPGlite(pglite: PGlite): Promise<Uint8Array> {
  await pglite.exec('CHECKPOINT');
  const blob = await pglite.runExclusive(() => pglite.dumpDataDir('gzip'));
  return new Uint8Array(await blob.arrayBuffer());
}

function openPostgres(options: Extract<DatabaseOptions, { kind: 'postgres' }>): Database {
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format ?? 'text')),
  };
  // A schema other than public isolates parallel test runs sharing one database.
  const connection = {
    connectionString: options.url,
    types,
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  };
  const pool = new pg.Pool({
    ...connection,
    max: options.poolSize ?? 10,
    maxLifetimeSeconds: options.connectionLifetimeSeconds ?? CONNECTION_LIFETIME_SECONDS,
  });
  // An idle client that PostgreSQL drops makes the pool emit 'error'; unheard, it would end the
  // process. The pool has already discarded that client and the next query opens a fresh one.
  pool.on('error', (error) => options.onIdleConnectionError?.(error));
  // A client checked out and waiting between two queries (a connection held for a unit of work)
  // is not heard by the pool: without its own listener, its drop would end the process too. Its
  // next query fails and is answered like any other database error.
  pool.on('connect', (client) => client.on('error', (error) => options.onIdleConnectionError?.(error)));
  if (options.preparedStatements !== false) pool.on('connect', (client) => prepareRepeatedStatements(client));
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  const bus = new PgNotificationBus(connection, options.schema ?? '');
  return {
    kind: 'postgres',
    db,
    bus,
    close: async () => {
      await bus.close();
      await db.destroy();
    },
  };
}

/**
 * The migration bookkeeping tables are named with their schema: without it, Kysely takes such a
 * table in any schema of the database for its own, which breaks when runs share one server.
 */
async function migrate(db: Kysely<Schema>, schema: string): Promise<void> {
  // Numbers are handed out before their changes land, so a database may have run a later one first
  // (0014 before 0013): the missing one then runs after it. Each migration stands on its own.
  const migrator = new Migrator({ db, provider: migrationProvider, migrationTableSchema: schema, allowUnorderedMigrations: true });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) throw error instanceof Error ? error : new Error(String(error));
}

/** PGlite's files sit in this folder of the data folder, apart from what else the server keeps there. */
export const PGLITE_FOLDER = 'pglite';

/** The options that the environment and flags describe: DATABASE_URL wins over the data folder. */
export function databaseOptionsFrom({
  databaseUrl,
  dataDir,
  preparedStatements,
}: {
  databaseUrl: string | undefined;
  dataDir: string;
  preparedStatements?: boolean;
}): DatabaseOptions {
  if (databaseUrl !== undefined && databaseUrl !== '')
    return { kind: 'postgres', url: databaseUrl, ...(preparedStatements === false ? { preparedStatements } : {}) };
  return { kind: 'pglite', dataDir: join(dataDir, PGLITE_FOLDER) };
}
