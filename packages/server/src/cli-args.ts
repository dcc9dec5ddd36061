import { isIP } from 'node:net';
import type { LogLevel, ServerOptions } from './main.js';
import { DEFAULT_DATA_DIR, DEFAULT_HOST, DEFAULT_PORT, LOG_LEVELS } from './main.js';

export const USAGE = `Usage: kassa-server [options]
       kassa-server create-admin --username NAME [--password-file FILE] [--data DIR] [--database-url URL]
       kassa-server backup --to FILE [--data DIR]
       kassa-server restore FILE [--data DIR]

Without a command: runs the server. On a database without an admin it prints a one-time setup link.

  --port N            TCP port (env PORT, default ${DEFAULT_PORT}; 0 picks a free one)
  --host ADDR         listening address (env KASSA_HOST, default ${DEFAULT_HOST}; 0.0.0.0 for the network)
  --data DIR          PGlite data folder and demo secrets (env KASSA_DATA, default ${DEFAULT_DATA_DIR})
  --database-url URL  PostgreSQL server instead of PGlite (env DATABASE_URL)
  --no-prepared-statements
                      do not prepare repeated statements on PostgreSQL connections, for a pooler
                      that cannot keep them (env KASSA_NO_PREPARED_STATEMENTS=1)
  --public-url URL    URL browsers and boxes use (env KASSA_PUBLIC_URL, default http://HOST:PORT)
  --log-level LEVEL   ${LOG_LEVELS.join(', ')} (env KASSA_LOG_LEVEL, default info)
  --trust-proxy LIST  the reverse proxies whose X-Forwarded-* headers are believed: IP addresses
                      or CIDR ranges, comma separated, e.g. 127.0.0.1,10.0.0.0/8 (env KASSA_TRUST_PROXY);
                      from any other peer those headers are ignored
  --demo              seed demo data and print its credentials (env KASSA_DEMO=1)
  --metrics-token T   bearer token for GET /metrics, 16+ characters (env KASSA_METRICS_TOKEN); admins may read it too
  --closing-threshold CENTS
                      a cash difference beyond this many cents needs a manager to close a session
                      (env KASSA_CLOSING_THRESHOLD_CENTS, default 500)
  --version           print the version
  -h, --help          print this help

create-admin  creates an admin (the first one, or another); the password comes from --password-file,
              the environment variable KASSA_ADMIN_PASSWORD, or a prompt. On the embedded database,
              the server must not be running (use its setup link instead).
backup        writes a consistent copy of the embedded database to FILE (mode 0600), also while the
              server runs on the same --data folder. For PostgreSQL use pg_dump (see the README).
restore       fills an empty --data folder with a backup; the server must not be running on it.`;

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
  | { kind: 'create-admin'; target: DatabaseTarget; username: string; password: { from: 'file'; path: string } | { from: 'env'; value: string } | { from: 'prompt' } }
  | { kind: 'backup'; dataDir: string; to: string }
  | { kind: 'restore'; dataDir: string; from: string };

type Env = Readonly<Record<string, string | undefined>>;

const VALUE_FLAGS = ['--port', '--host', '--data', '--database-url', '--public-url', '--log-level', '--metrics-token', '--trust-proxy', '--closing-threshold'] as const;
const BOOLEAN_FLAGS = ['--demo', '--no-prepared-statements', '--help', '-h', '--version'] as const;
const MIN_METRICS_TOKEN = 16;

function parsePort(text: string): number {
  if (!/^[0-9]{1,5}$/.test(text) || Number(text) > 65_535) throw new CliError(`port must be a number from 0 to 65535, got "${text}"`);
  return Number(text);
}

function parseUrl(text: string, what: string, protocols: readonly string[]): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(`${what} is not a URL: "${text}"`);
  }
  if (!protocols.includes(url.protocol)) throw new CliError(`${what} must start with ${protocols.map((p) => `${p}//`).join(' or ')}, got "${text}"`);
  return text.replace(/\/+$/, '');
}

function parseLevel(text: string): LogLevel {
  const level = LOG_LEVELS.find((l) => l === text);
  if (level === undefined) throw new CliError(`log level must be one of ${LOG_LEVELS.join(', ')}, got "${text}"`);
  return level;
}

/** One proxy: an IPv4 or IPv6 address, optionally with a /prefix. */
function parseProxy(text: string): string {
  const [address = '', prefix, extra] = text.split('/');
  const family = isIP(address);
  const maxPrefix = family === 4 ? 32 : 128;
  const prefixOk = prefix === undefined || (/^[0-9]{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix);
  if (family === 0 || !prefixOk || extra !== undefined) throw new CliError(`--trust-proxy takes IP addresses or CIDR ranges (e.g. 127.0.0.1,10.0.0.0/8), got "${text}"`);
  return text;
}

function parseProxies(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(parseProxy);
}

const truthy = (value: string | undefined): boolean => value !== undefined && ['1', 'true', 'yes'].includes(value.toLowerCase());

interface ReadFlags {
  readonly values: Map<string, string>;
  readonly flags: Set<string>;
  readonly positionals: string[];
}

function readFlags(argv: readonly string[], valueFlags: readonly string[], booleanFlags: readonly string[], maxPositionals = 0): ReadFlags {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (booleanFlags.includes(name) && inline === undefined) flags.add(name);
    else if (valueFlags.includes(name)) {
      const value = inline ?? argv[(i += 1)];
      if (value === undefined || value === '') throw new CliError(`${name} needs a value`);
      values.set(name, value);
    } else if (!arg.startsWith('-') && positionals.length < maxPositionals) positionals.push(arg);
    else throw new CliError(`unknown option "${arg}" (see --help)`);
  }
  return { values, flags, positionals };
}

const dataDirOf = (values: Map<string, string>, env: Env): string => values.get('--data') ?? (env['KASSA_DATA'] || DEFAULT_DATA_DIR);

function parseCreateAdmin(argv: readonly string[], env: Env): CliCommand {
  const { values, flags } = readFlags(argv, ['--username', '--password-file', '--data', '--database-url'], ['--help', '-h']);
  if (flags.has('--help') || flags.has('-h')) return { kind: 'help' };
  const username = values.get('--username');
  if (username === undefined) throw new CliError('create-admin needs --username NAME');
  const databaseUrl = values.get('--database-url') ?? env['DATABASE_URL'];
  const file = values.get('--password-file');
  const fromEnv = env['KASSA_ADMIN_PASSWORD'];
  return {
    kind: 'create-admin',
    target: { dataDir: dataDirOf(values, env), ...(databaseUrl === undefined || databaseUrl === '' ? {} : { databaseUrl: parseUrl(databaseUrl, 'DATABASE_URL', ['postgres:', 'postgresql:']) }) },
    username,
    password: file !== undefined ? { from: 'file', path: file } : fromEnv !== undefined && fromEnv !== '' ? { from: 'env', value: fromEnv } : { from: 'prompt' },
  };
}

function embeddedOnly(command: string, env: Env): void {
  if (env['DATABASE_URL'] !== undefined && env['DATABASE_URL'] !== '') {
    throw new CliError(`${command} is for the embedded database; DATABASE_URL names a PostgreSQL server: use pg_dump and pg_restore (see the README)`);
  }
}

function parseBackup(argv: readonly string[], env: Env): CliCommand {
  const { values, flags } = readFlags(argv, ['--to', '--data'], ['--help', '-h']);
  if (flags.has('--help') || flags.has('-h')) return { kind: 'help' };
  embeddedOnly('backup', env);
  const to = values.get('--to');
  if (to === undefined) throw new CliError('backup needs --to FILE');
  return { kind: 'backup', dataDir: dataDirOf(values, env), to };
}

function parseRestore(argv: readonly string[], env: Env): CliCommand {
  const { values, flags, positionals } = readFlags(argv, ['--data'], ['--help', '-h'], 1);
  if (flags.has('--help') || flags.has('-h')) return { kind: 'help' };
  embeddedOnly('restore', env);
  const from = positionals[0];
  if (from === undefined) throw new CliError('restore needs the backup FILE');
  return { kind: 'restore', dataDir: dataDirOf(values, env), from };
}

/** Reads flags (which win) and environment variables into server options; a bad value is a CliError. */
export function parseCli(argv: readonly string[], env: Env): CliCommand {
  const [first, ...rest] = argv;
  if (first === 'create-admin') return parseCreateAdmin(rest, env);
  if (first === 'backup') return parseBackup(rest, env);
  if (first === 'restore') return parseRestore(rest, env);
  const { values, flags } = readFlags(argv, VALUE_FLAGS, BOOLEAN_FLAGS);
  if (flags.has('--help') || flags.has('-h')) return { kind: 'help' };
  if (flags.has('--version')) return { kind: 'version' };
  const trustProxy = values.get('--trust-proxy') ?? env['KASSA_TRUST_PROXY'];
  const port = values.get('--port') ?? env['PORT'];
  const databaseUrl = values.get('--database-url') ?? env['DATABASE_URL'];
  const publicUrl = values.get('--public-url') ?? env['KASSA_PUBLIC_URL'];
  const logLevel = values.get('--log-level') ?? env['KASSA_LOG_LEVEL'];
  const metricsToken = values.get('--metrics-token') ?? env['KASSA_METRICS_TOKEN'];
  const threshold = values.get('--closing-threshold') ?? env['KASSA_CLOSING_THRESHOLD_CENTS'];
  if (threshold !== undefined && threshold !== '' && (!/^[0-9]{1,9}$/.test(threshold) || Number(threshold) > 1_000_000_000)) {
    throw new CliError(`the closing threshold must be whole cents from 0 to 1000000000, got "${threshold}"`);
  }
  if (metricsToken !== undefined && metricsToken !== '' && !new RegExp(`^[\\x21-\\x7e]{${MIN_METRICS_TOKEN},512}$`).test(metricsToken)) {
    throw new CliError(`the metrics token must be ${MIN_METRICS_TOKEN} to 512 printable characters without spaces`);
  }
  return {
    kind: 'run',
    options: {
      port: port === undefined || port === '' ? DEFAULT_PORT : parsePort(port),
      host: values.get('--host') ?? (env['KASSA_HOST'] || DEFAULT_HOST),
      dataDir: dataDirOf(values, env),
      ...(databaseUrl === undefined || databaseUrl === '' ? {} : { databaseUrl: parseUrl(databaseUrl, 'DATABASE_URL', ['postgres:', 'postgresql:']) }),
      ...(publicUrl === undefined || publicUrl === '' ? {} : { publicUrl: parseUrl(publicUrl, 'public URL', ['http:', 'https:']) }),
      logLevel: logLevel === undefined || logLevel === '' ? 'info' : parseLevel(logLevel),
      trustProxy: trustProxy === undefined ? [] : parseProxies(trustProxy),
      demo: flags.has('--demo') || truthy(env['KASSA_DEMO']),
      ...(flags.has('--no-prepared-statements') || truthy(env['KASSA_NO_PREPARED_STATEMENTS']) ? { preparedStatements: false } : {}),
      ...(metricsToken === undefined || metricsToken === '' ? {} : { metricsToken }),
      ...(threshold === undefined || threshold === '' ? {} : { closingThresholdCents: Number(threshold) }),
    },
  };
}
