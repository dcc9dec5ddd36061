import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import { BackupError, serverHoldsData, startControlSocket } from './db/backup.js';
import { databaseOptionsFrom, openDatabase } from './db/database.js';
import type { DemoData } from './demo.js';
import { seedDemo } from './demo.js';
import type { LogLevel } from './logger.js';
import { createLogger, logFormatFor } from './logger.js';
import { makePrivateDir, restrictNewFiles } from './private-files.js';
import { openSetup, setupLink } from './services/setup.js';

export { LOG_LEVELS, type LogLevel } from './logger.js';

export interface ServerOptions {
  /** TCP port; 0 picks a free one. Default 8080. */
  readonly port?: number;
  /** Listening address. Default 127.0.0.1; 0.0.0.0 lets boxes and browsers on the network in. */
  readonly host?: string;
  /** PGlite keeps its data here (and the demo its secrets). Default ./data. */
  readonly dataDir?: string;
  /** A PostgreSQL server instead of PGlite. */
  readonly databaseUrl?: string;
  /** Prepare repeated statements on PostgreSQL connections (default true); off behind a pooler that cannot keep them. */
  readonly preparedStatements?: boolean;
  /** The URL browsers and boxes reach this server at. Default http://<host>:<port>. */
  readonly publicUrl?: string;
  readonly logLevel?: LogLevel;
  readonly logger?: Logger;
  /** Seed the demo data (idempotent) and return its credentials. */
  readonly demo?: boolean;
  /** Reverse proxies (IPs or CIDRs) whose X-Forwarded-* headers are believed; none by default. */
  readonly trustProxy?: readonly string[];
  /** The bearer token for GET /metrics (admins' sessions may read it too). */
  readonly metricsToken?: string;
  /** A cash difference beyond this many cents needs a manager to close a session (default 500). */
  readonly closingThresholdCents?: number;
  /** The web build to serve at `/`. Default: the package's own `web/` folder, else the web package's dist folder (see findWebDist). */
  readonly webDist?: string | null;
}

export interface RunningServer {
  /** Where the server listens, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  readonly publicUrl: string;
  readonly demo?: DemoData;
  /** On a database without an admin: the one-time link that creates the first one. */
  readonly setupUrl?: string;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_DATA_DIR = './data';
/**
 * Where the web build is looked for, first found wins: the `web/` folder inside this package (the
 * release copies the build there, so an installed server carries its own), then the web package's
 * `dist/` beside it in the repository.
 */
export const WEB_DIST_CANDIDATES: readonly string[] = [
  fileURLToPath(new URL('../web', import.meta.url)),
  fileURLToPath(new URL('../../web/dist', import.meta.url)),
];

/** The first candidate folder that holds an index.html, or null when no web build is installed. */
export function findWebDist(candidates: readonly string[] = WEB_DIST_CANDIDATES): string | null {
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

function listenUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/**
 * Starts the whole server: opens the database (PGlite under dataDir, or PostgreSQL), builds the app,
 * seeds the demo when asked, and listens. `close()` stops taking requests, ends event streams and
 * box links, and closes the database.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(options.logLevel ?? 'info', logFormatFor(process.stdout));
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const host = options.host ?? DEFAULT_HOST;
  const chosen = databaseOptionsFrom({
    databaseUrl: options.databaseUrl,
    dataDir,
    ...(options.preparedStatements === false ? { preparedStatements: false } : {}),
  });
  if (chosen.kind === 'pglite' || options.demo === true) makePrivateDir(dataDir);
  // PGlite creates its files with the process's umask: whoever starts the server (the command, npm
  // start, a test), the embedded database's files are the owner's only.
  if (chosen.kind === 'pglite') restrictNewFiles();
  if (chosen.kind === 'pglite' && (await serverHoldsData(dataDir)))
    throw new BackupError('KASSA_BACKUP_DATA_IN_USE', `another kassa-server runs on the data folder ${dataDir}`);
  const database = await openDatabase(
    chosen.kind === 'postgres'
      ? { ...chosen, onIdleConnectionError: (error) => logger.warn({ err: error }, 'PostgreSQL dropped an idle connection; the pool opens a new one') }
      : chosen,
  );
  let port = options.port ?? DEFAULT_PORT;
  const publicUrl = (): string => options.publicUrl ?? listenUrl(host, port);
  let control: { close(): Promise<void> } | null = null;
  try {
    if (database.dump !== undefined) control = await startControlSocket(dataDir, database.dump);
    const app = await buildApp({
      database,
      publicUrl,
      logger,
      trustProxy: options.trustProxy ?? [],
      secureCookies: options.publicUrl?.startsWith('https:') === true ? 'always' : 'auto',
      webDist: options.webDist === undefined ? findWebDist() : options.webDist,
      ...(options.metricsToken === undefined ? {} : { metricsToken: options.metricsToken }),
      ...(options.closingThresholdCents === undefined ? {} : { closingThresholdCents: options.closingThresholdCents }),
    });
    let demo: DemoData | undefined;
    let setupToken: string | null = null;
    try {
      demo = options.demo === true ? await seedDemo(app.kassa, dataDir) : undefined;
      await app.listen({ port, host });
      setupToken = await openSetup(app.kassa);
    } catch (error) {
      await app.close();
      throw error;
    }
    const address = app.server.address();
    if (address !== null && typeof address === 'object') port = address.port;
    const url = listenUrl(host, port);
    logger.info({ url, publicUrl: publicUrl(), database: database.kind }, 'kassa server listening');
    const setupUrl = setupToken === null ? undefined : setupLink(publicUrl(), setupToken);
    let closing: Promise<void> | null = null;
    return {
      url,
      publicUrl: publicUrl(),
      ...(demo === undefined ? {} : { demo }),
      ...(setupUrl === undefined ? {} : { setupUrl }),
      close: () => {
        closing ??= (async () => {
          await app.close();
          await control?.close();
          await database.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await control?.close();
    await database.close();
    throw error;
  }
}
