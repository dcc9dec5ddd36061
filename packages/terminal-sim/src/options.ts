import { isIP } from 'node:net';
import type { ModelName } from './models.js';
import { isModelName, serialNumberOf } from './models.js';
import { SimError, SimErrorCode } from './errors.js';
import { isScenarioName, type ScenarioName } from './scenarios.js';
import { validateScript, type ScriptStep } from './script.js';
import { isLanguage, type Language } from './texts.js';

export interface TerminalOptions {
  /** "HOST:PORT" (default port 9000) or `{ host, port }`. */
  box: string | { host: string; port: number };
  /** Printable ASCII, e.g. "12345678". */
  terminalId: string;
  model?: ModelName;
  scenario?: ScenarioName | ScriptStep[];
  language?: Language;
  /** Even number of decimal digits; default "00000100". */
  protocolId?: string;
  shopName?: string;
  /** Pause between stages, ms (default 20). */
  stageDelayMs?: number;
  /** Back-off while the box is unreachable (default 200 ms doubling up to 5 s). */
  reconnect?: { initialMs?: number; maxMs?: number };
  /** Seed of the random bytes of `garbage` and the piece sizes of `split`. */
  seed?: number;
  /** Receives one structured line per frame sent or received and per connection event. */
  logger?: (line: Record<string, unknown>) => void;
  /** Overrides the keep-alive interval the HelloResponse gives (ms). */
  keepAliveIntervalMs?: number;
  /** How long to wait for a KeepAliveResponse before reconnecting (default: the interval, at least 1 s). */
  keepAliveTimeoutMs?: number;
  /** How long a transaction that will never answer (no-answer) keeps the terminal busy before it gives up, ms (default 120 000). */
  noAnswerGiveUpMs?: number;
  /** Wait for `press('card')` / `press('pin-ok')` instead of pressing them after the stage delay (interactive mode). */
  manualKeys?: boolean;
  /** SerialNumber (tag 82) of the VersionInformationResponse; default derived from the model and TerminalId. */
  serialNumber?: string;
  /** Local address the TCP connection is made from (e.g. `127.0.0.2`, to play a second device on one machine). */
  localAddress?: string;
}

export interface ResolvedOptions {
  readonly host: string;
  readonly port: number;
  readonly terminalId: string;
  readonly model: ModelName;
  readonly scenario: ScenarioName | readonly ScriptStep[];
  readonly language: Language;
  readonly protocolId: string;
  readonly shopName: string;
  readonly stageDelayMs: number;
  readonly reconnectInitialMs: number;
  readonly reconnectMaxMs: number;
  readonly seed: number;
  readonly logger: ((line: Record<string, unknown>) => void) | undefined;
  readonly keepAliveIntervalMs: number | undefined;
  readonly keepAliveTimeoutMs: number | undefined;
  readonly noAnswerGiveUpMs: number;
  readonly manualKeys: boolean;
  readonly serialNumber: string;
  readonly localAddress: string | undefined;
}

export const DEFAULT_PORT = 9000;
export const DEFAULT_PROTOCOL_ID = '00000100';
export const DEFAULT_STAGE_DELAY_MS = 20;
/** A no-answer transaction gives up after two minutes when the box neither cancels it nor asks for it. */
export const DEFAULT_NO_ANSWER_GIVE_UP_MS = 120_000;
const MAX_DELAY_MS = 3_600_000;

function bad(reason: string): SimError {
  return new SimError(SimErrorCode.BadOption, reason);
}

/** "host:port", "host" (port 9000), "[::1]:9000". */
export function parseBoxAddress(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:\s[\]]+))(?::(\d{1,5}))?$/.exec(text.trim());
  if (!match) throw bad(`box address "${text}" must be HOST:PORT`);
  const host = (match[1] ?? match[2])!;
  const port = match[3] === undefined ? DEFAULT_PORT : Number(match[3]);
  if (port < 1 || port > 65535) throw bad(`box port ${port} must be from 1 to 65535`);
  return { host, port };
}

export function isTerminalId(value: unknown): value is string {
  return typeof value === 'string' && /^[\x21-\x7e]{1,32}$/.test(value);
}

/** A serial number as a terminal sends it: 1 to 32 printable ASCII characters, no spaces. */
export function isSerialNumber(value: unknown): value is string {
  return typeof value === 'string' && /^[\x21-\x7e]{1,32}$/.test(value);
}

/** An IPv4 or IPv6 address to bind the connection to. */
export function isLocalAddress(value: unknown): value is string {
  return typeof value === 'string' && isIP(value) !== 0;
}

function integerIn(name: string, value: unknown, min: number, max: number): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) throw bad(`${name} must be an integer from ${min} to ${max}`);
  return value as number;
}

/** Validates options from a caller and fills in the defaults. */
export function resolveOptions(options: TerminalOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') throw bad('options must be an object');
  const box = typeof options.box === 'string' ? parseBoxAddress(options.box) : options.box;
  if (box === null || typeof box !== 'object' || typeof box.host !== 'string' || box.host.length === 0) throw bad('box must be "HOST:PORT" or { host, port }');
  integerIn('box port', box.port, 1, 65535);
  if (!isTerminalId(options.terminalId)) throw bad('terminalId must be 1 to 32 printable ASCII characters without spaces');
  const model = options.model ?? 'lane5000';
  if (!isModelName(model)) throw bad(`model "${String(model)}" must be lane5000, desk5000 or move5000`);
  const language = options.language ?? 'nl';
  if (!isLanguage(language)) throw bad(`language "${String(language)}" must be nl, fr or en`);
  const scenario = options.scenario ?? 'approve';
  if (!Array.isArray(scenario) && !isScenarioName(scenario)) throw bad(`scenario "${String(scenario)}" is not known`);
  const protocolId = options.protocolId ?? DEFAULT_PROTOCOL_ID;
  if (typeof protocolId !== 'string' || !/^\d{8}$/.test(protocolId)) throw bad('protocolId must be 8 decimal digits (4 BCD bytes)');
  const shopName = options.shopName ?? 'Kassa Demo Shop';
  if (typeof shopName !== 'string' || shopName.length === 0 || shopName.length > 60) throw bad('shopName must be text of 1 to 60 characters');
  const reconnect = options.reconnect ?? {};
  const reconnectInitialMs = integerIn('reconnect.initialMs', reconnect.initialMs ?? 200, 1, MAX_DELAY_MS);
  const reconnectMaxMs = integerIn('reconnect.maxMs', reconnect.maxMs ?? 5000, reconnectInitialMs, MAX_DELAY_MS);
  if (options.logger !== undefined && typeof options.logger !== 'function') throw bad('logger must be a function');
  if (options.serialNumber !== undefined && !isSerialNumber(options.serialNumber))
    throw bad('serialNumber must be 1 to 32 printable ASCII characters without spaces');
  if (options.localAddress !== undefined && !isLocalAddress(options.localAddress)) throw bad('localAddress must be an IPv4 or IPv6 address');
  return {
    host: box.host,
    port: box.port,
    terminalId: options.terminalId,
    model,
    scenario: Array.isArray(scenario) ? validateScript(scenario) : scenario,
    language,
    protocolId,
    shopName,
    stageDelayMs: integerIn('stageDelayMs', options.stageDelayMs ?? DEFAULT_STAGE_DELAY_MS, 0, MAX_DELAY_MS),
    reconnectInitialMs,
    reconnectMaxMs,
    seed: integerIn('seed', options.seed ?? 1, 0, 2 ** 31 - 1),
    logger: options.logger,
    keepAliveIntervalMs:
      options.keepAliveIntervalMs === undefined ? undefined : integerIn('keepAliveIntervalMs', options.keepAliveIntervalMs, 10, MAX_DELAY_MS),
    keepAliveTimeoutMs: options.keepAliveTimeoutMs === undefined ? undefined : integerIn('keepAliveTimeoutMs', options.keepAliveTimeoutMs, 10, MAX_DELAY_MS),
    noAnswerGiveUpMs: integerIn('noAnswerGiveUpMs', options.noAnswerGiveUpMs ?? DEFAULT_NO_ANSWER_GIVE_UP_MS, 10, MAX_DELAY_MS),
    manualKeys: options.manualKeys === true,
    serialNumber: options.serialNumber ?? serialNumberOf(model, options.terminalId),
    localAddress: options.localAddress,
  };
}
