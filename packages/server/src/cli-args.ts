import { isIP } from 'node:net';
import type { LogLevel, ServerOptions } from './main.js';
import { DEFAULT_DATA_DIR, DEFAULT_HOST, DEFAULT_PORT, LOG_LEVELS } from './main.js';

export const USAGE = `Usage: kassa-server [options]

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
  --version           print the version
  -h, --help          print this help`;

export class CliError extends Error {
  readonly code = 'KASSA_CLI_USAGE';
}

export type CliCommand = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; options: ServerOptions & { dataDir: string } };

type Env = Readonly<Record<string, string | undefined>>;

const VALUE_FLAGS = ['--port', '--host', '--data', '--database-url', '--public-url', '--log-level', '--trust-proxy'] as const;
const BOOLEAN_FLAGS = ['--demo', '--no-prepared-statements', '--help', '-h', '--version'] as const;

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

/** Reads flags (which win) and environment variables into server options; a bad value is a CliError. */
export function parseCli(argv: readonly string[], env: Env): CliCommand {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if ((BOOLEAN_FLAGS as readonly string[]).includes(name) && inline === undefined) flags.add(name);
    else if ((VALUE_FLAGS as readonly string[]).includes(name)) {
      const value = inline ?? argv[(i += 1)];
      if (value === undefined || value === '') throw new CliError(`${name} needs a value`);
      values.set(name, value);
    } else throw new CliError(`unknown option "${arg}" (see --help)`);
  }
  if (flags.has('--help') || flags.has('-h')) return { kind: 'help' };
  if (flags.has('--version')) return { kind: 'version' };
  const port = values.get('--port') ?? env['PORT'];
  const databaseUrl = values.get('--database-url') ?? env['DATABASE_URL'];
  const publicUrl = values.get('--public-url') ?? env['KASSA_PUBLIC_URL'];
  const logLevel = values.get('--log-level') ?? env['KASSA_LOG_LEVEL'];
  const trustProxy = values.get('--trust-proxy') ?? env['KASSA_TRUST_PROXY'];
  return {
    kind: 'run',
    options: {
      port: port === undefined || port === '' ? DEFAULT_PORT : parsePort(port),
      host: values.get('--host') ?? (env['KASSA_HOST'] || DEFAULT_HOST),
      dataDir: values.get('--data') ?? (env['KASSA_DATA'] || DEFAULT_DATA_DIR),
      ...(databaseUrl === undefined || databaseUrl === '' ? {} : { databaseUrl: parseUrl(databaseUrl, 'DATABASE_URL', ['postgres:', 'postgresql:']) }),
      ...(publicUrl === undefined || publicUrl === '' ? {} : { publicUrl: parseUrl(publicUrl, 'public URL', ['http:', 'https:']) }),
      logLevel: logLevel === undefined || logLevel === '' ? 'info' : parseLevel(logLevel),
      trustProxy: trustProxy === undefined ? [] : parseProxies(trustProxy),
      demo: flags.has('--demo') || truthy(env['KASSA_DEMO']),
      ...(flags.has('--no-prepared-statements') || truthy(env['KASSA_NO_PREPARED_STATEMENTS']) ? { preparedStatements: false } : {}),
    },
  };
}
