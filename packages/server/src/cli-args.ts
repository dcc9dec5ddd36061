import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { helpLines, readFlags, type Env, type Flags } from './flags.js';
import type { LogLevel, ServerOptions } from './main.js';
import { DEFAULT_DATA_DIR, DEFAULT_HOST, DEFAULT_PORT, LOG_LEVELS } from './main.js';

export class CliError extends Error {
  readonly code = 'KASSA_CLI_USAGE';
}

export interface DatabaseTarget {
  readonly dataDir: string;
  readonly databaseUrl?: string;
}

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'run'; options: ServerOptions & { dataDir: string } }
  | {
      kind: 'create-admin';
      target: DatabaseTarget;
      username: string;
      password: { from: 'file'; path: string } | { from: 'env'; value: string } | { from: 'prompt' };
    }
  | { kind: 'backup'; dataDir: string; to: string }
  | { kind: 'restore'; dataDir: string; from: string };

const MIN_METRICS_TOKEN = 16;
const bad = (message: string): CliError => new CliError(message);

function parsePort(text: string, name: string): number {
  if (!/^[0-9]{1,5}$/.test(text) || Number(text) > 65_535) throw bad(`${name} must be a port from 0 to 65535, got "${text}"`);
  return Number(text);
}

function urlParser(protocols: readonly string[]): (text: string, name: string) => string {
  return (text, name) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw bad(`${name} is not a URL: "${text}"`);
    }
    if (!protocols.includes(url.protocol)) throw bad(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}, got "${text}"`);
    return text.replace(/\/+$/, '');
  };
}

function parseLevel(text: string, name: string): LogLevel {
  const level = LOG_LEVELS.find((l) => l === text);
  if (level === undefined) throw bad(`${name} must be one of ${LOG_LEVELS.join(', ')}, got "${text}"`);
  return level;
}

/** A comma list of proxies: IPv4 or IPv6 addresses, each optionally with a /prefix. */
function parseProxies(text: string, name: string): string[] {
  const parts = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  for (const part of parts) {
    const [address = '', prefix, extra] = part.split('/');
    const family = isIP(address);
    const prefixOk = prefix === undefined || (/^[0-9]{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
    if (family === 0 || !prefixOk || extra !== undefined) throw bad(`${name} takes IP addresses or CIDR ranges (e.g. 127.0.0.1,10.0.0.0/8), got "${part}"`);
  }
  return parts;
}

function parseMetricsToken(text: string, name: string): string {
  if (!new RegExp(`^[\\x21-\\x7e]{${MIN_METRICS_TOKEN},512}$`).test(text))
    throw bad(`${name} must be ${MIN_METRICS_TOKEN} to 512 printable characters without spaces`);
  return text;
}

function parseCents(text: string, name: string): number {
  if (!/^[0-9]{1,9}$/.test(text) || Number(text) > 1_000_000_000) throw bad(`${name} must be whole cents from 0 to 1000000000, got "${text}"`);
  return Number(text);
}

const DATA = { value: 'DIR', env: 'KASSA_DATA', fallback: DEFAULT_DATA_DIR, help: 'PGlite data folder and demo secrets' } as const;
const DATABASE_URL = {
  value: 'URL',
  env: 'DATABASE_URL',
  parse: urlParser(['postgres:', 'postgresql:']),
  help: 'PostgreSQL server instead of PGlite',
} as const;

/** The server's options: flag, variable, default, check and help line. */
export const RUN_FLAGS = {
  port: { value: 'N', env: 'PORT', fallback: String(DEFAULT_PORT), parse: parsePort, help: 'TCP port; 0 picks a free one' },
  host: { value: 'ADDR', env: 'KASSA_HOST', fallback: DEFAULT_HOST, help: 'listening address; 0.0.0.0 for the network' },
  data: DATA,
  'database-url': DATABASE_URL,
  'no-prepared-statements': {
    env: 'KASSA_NO_PREPARED_STATEMENTS',
    help: 'do not prepare repeated statements on PostgreSQL connections, for a pooler that cannot keep them',
  },
  'public-url': { value: 'URL', env: 'KASSA_PUBLIC_URL', parse: urlParser(['http:', 'https:']), help: 'URL browsers and boxes use; default http://HOST:PORT' },
  'log-level': { value: 'LEVEL', env: 'KASSA_LOG_LEVEL', fallback: 'info', parse: parseLevel, help: LOG_LEVELS.join(', ') },
  'trust-proxy': {
    value: 'LIST',
    env: 'KASSA_TRUST_PROXY',
    parse: parseProxies,
    help: 'the reverse proxies whose X-Forwarded-* headers are believed: IP addresses or CIDR ranges, comma separated, e.g. 127.0.0.1,10.0.0.0/8; from any other peer those headers are ignored',
  },
  demo: { env: 'KASSA_DEMO', help: 'seed demo data and print its credentials' },
  'metrics-token': {
    value: 'T',
    env: 'KASSA_METRICS_TOKEN',
    parse: parseMetricsToken,
    help: `bearer token for GET /metrics, ${MIN_METRICS_TOKEN}+ characters; admins may read it too`,
  },
  'closing-threshold': {
    value: 'CENTS',
    env: 'KASSA_CLOSING_THRESHOLD_CENTS',
    parse: parseCents,
    help: 'a cash difference beyond this many cents needs a manager to close a session; default 500',
  },
} as const satisfies Flags;

export const CREATE_ADMIN_FLAGS = {
  username: { value: 'NAME', help: "the new admin's user name" },
  'password-file': { value: 'FILE', help: 'read the password from FILE; else from KASSA_ADMIN_PASSWORD, else a prompt' },
  data: DATA,
  'database-url': DATABASE_URL,
} as const satisfies Flags;

export const BACKUP_FLAGS = { to: { value: 'FILE', help: 'where backup writes the copy (mode 0600)' }, data: DATA } as const satisfies Flags;
export const RESTORE_FLAGS = { data: DATA } as const satisfies Flags;

export const USAGE = `Usage: kassa-server [options]
       kassa-server create-admin --username NAME [--password-file FILE] [--data DIR] [--database-url URL]
       kassa-server backup --to FILE [--data DIR]
       kassa-server restore FILE [--data DIR]

Without a command: runs the server. On a database without an admin it prints a one-time setup link.
Flags win over environment variables.

${helpLines(RUN_FLAGS).join('\n')}

create-admin  creates an admin (the first one, or another); the password comes from --password-file,
              the environment variable KASSA_ADMIN_PASSWORD, or a prompt. On the embedded database,
              the server must not be running (use its setup link instead).
backup        writes a consistent copy of the embedded database to FILE (mode 0600), also while the
              server runs on the same --data folder. For PostgreSQL use pg_dump (see the README).
restore       fills an empty --data folder with a backup; the server must not be running on it.

Options of the commands (with --data, --database-url, --version and --help as above):
${helpLines({ username: CREATE_ADMIN_FLAGS.username, 'password-file': CREATE_ADMIN_FLAGS['password-file'], to: BACKUP_FLAGS.to }, false).join('\n')}`;

function parseCreateAdmin(argv: readonly string[], env: Env): CliCommand {
  const parsed = readFlags(CREATE_ADMIN_FLAGS, argv, env, bad);
  if (parsed.kind !== 'run') return parsed;
  const { username, 'password-file': file, data, 'database-url': databaseUrl } = parsed.values;
  if (username === undefined) throw bad('create-admin needs --username NAME');
  const fromEnv = env['KASSA_ADMIN_PASSWORD'];
  return {
    kind: 'create-admin',
    target: { dataDir: data, ...(databaseUrl === undefined ? {} : { databaseUrl }) },
    username,
    password:
      file !== undefined ? { from: 'file', path: file } : fromEnv !== undefined && fromEnv !== '' ? { from: 'env', value: fromEnv } : { from: 'prompt' },
  };
}

function embeddedOnly(command: string, env: Env): void {
  if (env['DATABASE_URL'] !== undefined && env['DATABASE_URL'] !== '') {
    throw bad(`${command} is for the embedded database; DATABASE_URL names a PostgreSQL server: use pg_dump and pg_restore (see the README)`);
  }
}

function parseBackup(argv: readonly string[], env: Env): CliCommand {
  const parsed = readFlags(BACKUP_FLAGS, argv, env, bad);
  if (parsed.kind !== 'run') return parsed;
  embeddedOnly('backup', env);
  const { to, data } = parsed.values;
  if (to === undefined) throw bad('backup needs --to FILE');
  return { kind: 'backup', dataDir: data, to };
}

function parseRestore(argv: readonly string[], env: Env): CliCommand {
  const parsed = readFlags(RESTORE_FLAGS, argv, env, bad, 1);
  if (parsed.kind !== 'run') return parsed;
  embeddedOnly('restore', env);
  const from = parsed.positionals[0];
  if (from === undefined) throw bad('restore needs the backup FILE');
  return { kind: 'restore', dataDir: parsed.values.data, from };
}

/** A word as a POSIX shell reads it back: bare when plain, else in single quotes. */
function shellWord(text: string): string {
  return /^[A-Za-z0-9_/.:@%+=,-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * The create-admin command that reaches the database this server runs on: its absolute --data
 * folder, or its --database-url with the password replaced by *** (never printed).
 */
export function createAdminCommand(target: DatabaseTarget): { command: string; note: string } {
  if (target.databaseUrl === undefined) {
    return {
      command: `kassa-server create-admin --username NAME --data ${shellWord(resolve(target.dataDir))}`,
      note: 'with this server stopped: the embedded database opens in one process at a time',
    };
  }
  const url = new URL(target.databaseUrl);
  const redacted = url.password !== '';
  if (redacted) url.password = '***';
  return {
    command: `kassa-server create-admin --username NAME --database-url ${shellWord(url.toString())}`,
    note: redacted ? "the database's password where *** stands" : 'also while this server runs',
  };
}

/** Reads flags (which win) and environment variables into server options; a bad value is a CliError. */
export function parseCli(argv: readonly string[], env: Env): CliCommand {
  const [first, ...rest] = argv;
  if (first === 'create-admin') return parseCreateAdmin(rest, env);
  if (first === 'backup') return parseBackup(rest, env);
  if (first === 'restore') return parseRestore(rest, env);
  const parsed = readFlags(RUN_FLAGS, argv, env, bad);
  if (parsed.kind !== 'run') return parsed;
  const v = parsed.values;
  return {
    kind: 'run',
    options: {
      port: v.port,
      host: v.host,
      dataDir: v.data,
      ...(v['database-url'] === undefined ? {} : { databaseUrl: v['database-url'] }),
      ...(v['public-url'] === undefined ? {} : { publicUrl: v['public-url'] }),
      logLevel: v['log-level'],
      trustProxy: v['trust-proxy'] ?? [],
      demo: v.demo,
      ...(v['no-prepared-statements'] ? { preparedStatements: false } : {}),
      ...(v['metrics-token'] === undefined ? {} : { metricsToken: v['metrics-token'] }),
      ...(v['closing-threshold'] === undefined ? {} : { closingThresholdCents: v['closing-threshold'] }),
    },
  };
}
