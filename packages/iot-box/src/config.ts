import { isIP } from 'node:net';
import type { LevelWithSilent } from 'pino';
import { parseAllowlist, type Allowlist } from './allowlist.js';
import { BoxError, BoxErrorCode } from './errors.js';
import { LOG_LEVELS } from './logger.js';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Everything the command line and the environment decide. */
export interface BoxConfig {
  readonly listen: HostPort;
  readonly http: HostPort;
  readonly server: string | undefined;
  readonly token: string | undefined;
  readonly dataDir: string;
  readonly allow: Allowlist | undefined;
  readonly logLevel: LevelWithSilent;
  /** No frame about a running transaction for this long and its answer is taken as lost (`unknown`, then recovery). */
  readonly transactionTimeoutMs: number;
  /** Plain http/ws to a server that is not on this machine was allowed with --insecure. */
  readonly insecure: boolean;
}

/** What `kassa-iotbox pair` stored in the data folder; flags and variables win over it. */
export interface StoredPairing {
  readonly server: string;
  readonly token: string;
}

interface FlagSpec {
  readonly flag: string;
  readonly env: string;
  readonly key: 'listen' | 'http' | 'server' | 'token' | 'data' | 'allow' | 'logLevel' | 'transactionTimeout';
  readonly value: string;
  readonly fallback: string | undefined;
  readonly help: string;
}

export const FLAGS: readonly FlagSpec[] = [
  { flag: '--listen', env: 'KASSA_BOX_LISTEN', key: 'listen', value: 'HOST:PORT', fallback: '0.0.0.0:9000', help: 'where terminals connect' },
  { flag: '--http', env: 'KASSA_BOX_HTTP', key: 'http', value: 'HOST:PORT', fallback: '127.0.0.1:9080', help: 'GET /status and /healthz' },
  { flag: '--server', env: 'KASSA_BOX_SERVER', key: 'server', value: 'URL', fallback: undefined, help: 'kassa server to dial (http, https, ws or wss); none: run alone' },
  { flag: '--token', env: 'KASSA_BOX_TOKEN', key: 'token', value: 'TOKEN', fallback: undefined, help: 'the box token from pairing in the back office' },
  { flag: '--data', env: 'KASSA_BOX_DATA', key: 'data', value: 'DIR', fallback: './data/iot-box', help: 'box identity and journal' },
  { flag: '--allow', env: 'KASSA_BOX_ALLOW', key: 'allow', value: 'CIDR,…', fallback: undefined, help: 'only these addresses may connect as terminals' },
  { flag: '--log-level', env: 'KASSA_BOX_LOG_LEVEL', key: 'logLevel', value: 'LEVEL', fallback: 'info', help: LOG_LEVELS.join(', ') },
  {
    flag: '--transaction-timeout',
    env: 'KASSA_BOX_TRANSACTION_TIMEOUT',
    key: 'transactionTimeout',
    value: 'SECONDS',
    fallback: '300',
    help: 'no news of a running transaction this long: unknown, ask the terminal',
  },
];

/** The bounds of --transaction-timeout, in seconds: long enough for a PIN, short enough to be noticed. */
export const TRANSACTION_TIMEOUT_BOUNDS = { min: 30, max: 3600 } as const;

export const USAGE = [
  'Usage: kassa-iotbox [options]',
  '',
  'The kassa IoT box: Ingenico terminals connect to it, it journals their transactions',
  'and reports them to the kassa server.',
  '',
  'Options (each also as an environment variable):',
  ...FLAGS.map((f) => `  ${`${f.flag} ${f.value}`.padEnd(24)}${f.env.padEnd(22)}${f.help}${f.fallback ? ` (default ${f.fallback})` : ''}`),
  `  ${'--insecure'.padEnd(24)}${'KASSA_BOX_INSECURE=1'.padEnd(22)}allow plain http/ws to a server that is not on this machine`,
  `  ${'--version'.padEnd(46)}print the version`,
  `  ${'-h, --help'.padEnd(46)}this text`,
  '',
  'Usage: kassa-iotbox pair --server URL --code CODE [--data DIR] [--insecure]',
  '',
  'Exchanges the pairing code shown in the back office (Boxes → Pair a box) for the box token,',
  'stores it with the server URL in DIR/pairing.json (mode 0600); from then on kassa-iotbox',
  'starts without --server and --token.',
  '',
].join('\n');

export type ParsedArgs = { readonly kind: 'help' } | { readonly kind: 'version' } | { readonly kind: 'run'; readonly config: BoxConfig };

/** Flags win over environment variables, which win over defaults. Throws BoxError BOX_BAD_CONFIG. */
export function parseConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, stored: (dataDir: string) => StoredPairing | null = () => null): ParsedArgs {
  const given = new Map<FlagSpec['key'], string>();
  let insecure = truthy(env['KASSA_BOX_INSECURE']);
  for (const spec of FLAGS) {
    const fromEnv = env[spec.env];
    if (fromEnv !== undefined && fromEnv !== '') given.set(spec.key, fromEnv);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--version') return { kind: 'version' };
    if (arg === '--insecure') {
      insecure = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = FLAGS.find((f) => f.flag === name);
    if (!spec) throw bad(`unknown option ${JSON.stringify(name)} (see --help)`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) throw bad(`${spec.flag} needs a value: ${spec.value}`);
    given.set(spec.key, value);
  }
  const get = (key: FlagSpec['key']): string | undefined => given.get(key) ?? FLAGS.find((f) => f.key === key)!.fallback;

  const pairing = given.has('server') && given.has('token') ? null : stored(get('data')!);
  const server = get('server') ?? pairing?.server;
  const token = get('token') ?? pairing?.token;
  if (server !== undefined) checkServerUrl(server, insecure);
  if (server !== undefined && token === undefined) throw bad('--server needs --token (or KASSA_BOX_TOKEN)');
  if (token !== undefined && !/^[\x21-\x7e]{8,512}$/.test(token)) throw bad('--token must be 8 to 512 printable characters without spaces');
  const logLevel = get('logLevel')!;
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) throw bad(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  const timeoutText = get('transactionTimeout')!;
  const timeoutSeconds = /^[0-9]{1,5}$/.test(timeoutText) ? Number(timeoutText) : NaN;
  if (!(timeoutSeconds >= TRANSACTION_TIMEOUT_BOUNDS.min && timeoutSeconds <= TRANSACTION_TIMEOUT_BOUNDS.max)) {
    throw bad(`--transaction-timeout must be whole seconds from ${TRANSACTION_TIMEOUT_BOUNDS.min} to ${TRANSACTION_TIMEOUT_BOUNDS.max}`);
  }
  const allowText = get('allow');
  let allow: Allowlist | undefined;
  if (allowText !== undefined) {
    try {
      allow = parseAllowlist(allowText);
    } catch (error) {
      throw bad(`--allow: ${(error as Error).message}`);
    }
  }
  return {
    kind: 'run',
    config: {
      listen: parseHostPort(get('listen')!, '--listen'),
      http: parseHostPort(get('http')!, '--http'),
      server,
      token,
      dataDir: get('data')!,
      allow,
      logLevel: logLevel as LevelWithSilent,
      transactionTimeoutMs: timeoutSeconds * 1000,
      insecure,
    },
  };
}

const truthy = (value: string | undefined): boolean => value !== undefined && ['1', 'true', 'yes'].includes(value.toLowerCase());

/** 127.0.0.0/8, ::1 and localhost: traffic that never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return /^::ffff:127\./.test(host);
}

export interface PairArgs {
  readonly server: string;
  readonly code: string;
  readonly dataDir: string;
  readonly insecure: boolean;
}

/** `kassa-iotbox pair --server URL --code CODE [--data DIR] [--insecure]`. */
export function parsePairArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): PairArgs | { readonly kind: 'help' } {
  const given = new Map<string, string>();
  let insecure = truthy(env['KASSA_BOX_INSECURE']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--insecure') {
      insecure = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!['--server', '--code', '--data'].includes(name)) throw bad(`pair: unknown option ${JSON.stringify(name)} (see --help)`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) throw bad(`pair: ${name} needs a value`);
    given.set(name, value);
  }
  const server = given.get('--server') ?? env['KASSA_BOX_SERVER'];
  const code = given.get('--code');
  if (server === undefined || server === '') throw bad('pair needs --server URL');
  if (code === undefined) throw bad('pair needs --code CODE (shown in the back office under Boxes → Pair a box)');
  if (!/^[0-9]{3}-?[0-9]{3}$/.test(code)) throw bad('--code must be six digits, as 483-921');
  checkServerUrl(server, insecure);
  return { server: server.replace(/\/+$/, ''), code, dataDir: given.get('--data') ?? (env['KASSA_BOX_DATA'] || FLAGS.find((f) => f.key === 'data')!.fallback!), insecure };
}

/** `0.0.0.0:9000`, `[::]:9000`, `localhost:0`. */
export function parseHostPort(text: string, flag: string): HostPort {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port > 65_535) throw bad(`${flag} must be HOST:PORT with a port from 0 to 65535, got ${JSON.stringify(text)}`);
  const host = match[1] ?? match[2]!;
  if (match[1] !== undefined && isIP(host) !== 6) throw bad(`${flag}: ${host} is not an IPv6 address`);
  return { host, port };
}

/** The token travels to the server: in clear text only to this machine, or when the installer says so. */
function checkServerUrl(text: string, insecure: boolean): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw bad(`--server must be a URL, got ${JSON.stringify(text)}`);
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) throw bad(`--server must be http(s) or ws(s), got ${url.protocol}`);
  if ((url.protocol === 'http:' || url.protocol === 'ws:') && !isLoopbackHost(url.hostname) && !insecure) {
    throw bad(`--server ${url.protocol}//${url.host} is not encrypted and not on this machine: use https:// (or wss://), or add --insecure`);
  }
}

function bad(message: string): BoxError {
  return new BoxError(BoxErrorCode.BadConfig, message);
}
