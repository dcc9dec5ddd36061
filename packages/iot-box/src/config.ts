import { isIP } from 'node:net';
import type { LevelWithSilent } from 'pino';
import { parseAllowlist, type Allowlist } from './allowlist.js';
import { BoxError, BoxErrorCode } from './errors.js';
import { helpLines, readFlags, type Env, type Flags } from '@kassa/protocol';
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
  /** Paired with --insecure over plain http to a server off this machine: the box keeps that choice for this server. */
  readonly insecure?: boolean;
}

function logLevel(text: string, name: string): LevelWithSilent {
  if (!(LOG_LEVELS as readonly string[]).includes(text)) throw bad(`${name} must be one of ${LOG_LEVELS.join(', ')}`);
  return text as LevelWithSilent;
}

function allowlist(text: string, name: string): Allowlist {
  try {
    return parseAllowlist(text);
  } catch (error) {
    throw bad(`${name}: ${(error as Error).message}`);
  }
}

function transactionTimeout(text: string, name: string): number {
  const seconds = /^[0-9]{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(seconds >= TRANSACTION_TIMEOUT_BOUNDS.min && seconds <= TRANSACTION_TIMEOUT_BOUNDS.max)) {
    throw bad(`${name} must be whole seconds from ${TRANSACTION_TIMEOUT_BOUNDS.min} to ${TRANSACTION_TIMEOUT_BOUNDS.max}`);
  }
  return seconds;
}

function pairingCode(text: string, name: string): string {
  if (!/^[0-9]{3}-?[0-9]{3}$/.test(text)) throw bad(`${name} must be six digits, as 483-921`);
  return text;
}

/** The box's options: flag, variable, default, check and help line. */
export const FLAGS = {
  listen: { value: 'HOST:PORT', env: 'KASSA_BOX_LISTEN', fallback: '0.0.0.0:9000', parse: parseHostPort, help: 'where terminals connect' },
  http: { value: 'HOST:PORT', env: 'KASSA_BOX_HTTP', fallback: '127.0.0.1:9080', parse: parseHostPort, help: 'GET /status and /healthz' },
  server: { value: 'URL', env: 'KASSA_BOX_SERVER', help: 'kassa server to dial (http, https, ws or wss); none: run alone' },
  token: { value: 'TOKEN', env: 'KASSA_BOX_TOKEN', help: 'the box token from pairing in the back office, else the one pair stored' },
  data: { value: 'DIR', env: 'KASSA_BOX_DATA', fallback: './data/iot-box', help: 'box identity and journal' },
  allow: { value: 'CIDR,…', env: 'KASSA_BOX_ALLOW', parse: allowlist, help: 'only these addresses may connect as terminals' },
  'log-level': { value: 'LEVEL', env: 'KASSA_BOX_LOG_LEVEL', fallback: 'info', parse: logLevel, help: LOG_LEVELS.join(', ') },
  'transaction-timeout': {
    value: 'SECONDS',
    env: 'KASSA_BOX_TRANSACTION_TIMEOUT',
    fallback: '300',
    parse: transactionTimeout,
    help: 'no news of a running transaction this long: unknown, ask the terminal',
  },
  insecure: { env: 'KASSA_BOX_INSECURE', help: 'allow plain http/ws to a server that is not on this machine' },
} as const satisfies Flags;

/** `kassa-iotbox pair`'s options. */
export const PAIR_FLAGS = {
  server: { value: 'URL', env: 'KASSA_BOX_SERVER', help: 'the kassa server to pair with' },
  code: { value: 'CODE', parse: pairingCode, help: 'the pairing code shown in the back office (Boxes → Pair a box)' },
  data: FLAGS.data,
  insecure: FLAGS.insecure,
} as const satisfies Flags;

/** The bounds of --transaction-timeout, in seconds: long enough for a PIN, short enough to be noticed. */
export const TRANSACTION_TIMEOUT_BOUNDS = { min: 30, max: 3600 } as const;

export const USAGE = [
  'Usage: kassa-iotbox [options]',
  '',
  'The kassa IoT box: Ingenico terminals connect to it, it journals their transactions',
  'and reports them to the kassa server. Flags win over environment variables.',
  '',
  ...helpLines(FLAGS),
  '',
  'Usage: kassa-iotbox pair --server URL --code CODE [--data DIR] [--insecure]',
  '',
  'Exchanges the pairing code shown in the back office (Boxes → Pair a box) for the box token,',
  'stores it with the server URL (and --insecure, if given) in DIR/pairing.json (mode 0600,',
  "owned by DIR's owner); from then on kassa-iotbox --data DIR starts without --server and --token.",
  '',
  ...helpLines(PAIR_FLAGS),
  '',
].join('\n');

export type ParsedArgs = { readonly kind: 'help' } | { readonly kind: 'version' } | { readonly kind: 'run'; readonly config: BoxConfig };

/** Flags win over environment variables, which win over defaults. Throws BoxError BOX_BAD_CONFIG. */
export function parseConfig(argv: readonly string[], env: Env, stored: (dataDir: string) => StoredPairing | null = () => null): ParsedArgs {
  const parsed = readFlags(FLAGS, argv, env, bad);
  if (parsed.kind !== 'run') return parsed;
  const { values } = parsed;
  const pairing = values.server !== undefined && values.token !== undefined ? null : stored(values.data);
  const server = values.server ?? pairing?.server;
  const token = values.token ?? pairing?.token;
  const insecure = values.insecure || (pairing?.insecure === true && server === pairing.server);
  if (server !== undefined) checkServerUrl(server, insecure);
  if (server !== undefined && token === undefined) throw bad('--server needs --token (or KASSA_BOX_TOKEN)');
  if (token !== undefined && !/^[\x21-\x7e]{8,512}$/.test(token)) throw bad('--token must be 8 to 512 printable characters without spaces');
  return {
    kind: 'run',
    config: {
      listen: values.listen,
      http: values.http,
      server,
      token,
      dataDir: values.data,
      allow: values.allow,
      logLevel: values['log-level'],
      transactionTimeoutMs: values['transaction-timeout'] * 1000,
      insecure,
    },
  };
}

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
export function parsePairArgs(argv: readonly string[], env: Env): PairArgs | { readonly kind: 'help' | 'version' } {
  const parsed = readFlags(PAIR_FLAGS, argv, env, (message) => bad(`pair: ${message}`));
  if (parsed.kind !== 'run') return parsed;
  const { server, code, data, insecure } = parsed.values;
  if (server === undefined) throw bad('pair needs --server URL');
  if (code === undefined) throw bad('pair needs --code CODE (shown in the back office under Boxes → Pair a box)');
  checkServerUrl(server, insecure);
  return { server: server.replace(/\/+$/, ''), code, dataDir: data, insecure };
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
