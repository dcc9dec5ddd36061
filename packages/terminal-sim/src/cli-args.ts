import { SimError, SimErrorCode } from './errors.js';
import { helpLines, readFlags, type Flags } from '@kassa/protocol';
import { MAX_FLEET } from './fleet.js';
import { MODELS, type ModelName } from './models.js';
import { DEFAULT_PROTOCOL_ID, DEFAULT_STAGE_DELAY_MS, isLocalAddress, isSerialNumber, isTerminalId, parseBoxAddress } from './options.js';
import { SCENARIOS, type ScenarioName } from './scenarios.js';
import { LANGUAGES, type Language } from './texts.js';

export interface CliConfig {
  readonly box: { host: string; port: number };
  readonly terminalId: string;
  readonly model: ModelName;
  /** A scenario name, or the path of a `--script` file. */
  readonly scenario: ScenarioName | { scriptPath: string };
  readonly language: Language;
  readonly count: number;
  readonly interactive: boolean;
  readonly verbose: boolean;
  readonly protocolId: string;
  readonly shopName: string | undefined;
  readonly stageDelayMs: number;
  readonly keepAliveIntervalMs: number | undefined;
  readonly seed: number;
  readonly serialNumber: string | undefined;
  readonly localAddress: string | undefined;
}

function bad(reason: string): SimError {
  return new SimError(SimErrorCode.BadFlag, reason);
}

function oneOf<T extends string>(names: readonly T[]): (text: string, name: string) => T {
  return (text, name) => {
    if (!(names as readonly string[]).includes(text)) throw bad(`${name} "${text}" must be one of ${names.join(', ')}`);
    return text as T;
  };
}

function integer(min: number, max: number): (text: string, name: string) => number {
  return (text, name) => {
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw bad(`${name} must be a whole number from ${min} to ${max}, not "${text}"`);
    return Number(text);
  };
}

function checked(test: (text: string) => boolean, rule: string): (text: string, name: string) => string {
  return (text, name) => {
    if (!test(text)) throw bad(`${name} "${text}" must be ${rule}`);
    return text;
  };
}

function boxAddress(text: string, name: string): { host: string; port: number } {
  try {
    return parseBoxAddress(text);
  } catch {
    throw bad(`${name} "${text}" must be HOST:PORT with a port from 1 to 65535`);
  }
}

const PRINTABLE = '1 to 32 printable ASCII characters without spaces';

/** The terminal's options: flag, default, check and help line. */
export const FLAGS = {
  box: { value: 'HOST:PORT', fallback: '127.0.0.1:9000', parse: boxAddress, help: 'the box to dial; port 9000 when left out' },
  'terminal-id': { value: 'ID', fallback: '12345678', parse: checked(isTerminalId, PRINTABLE), help: 'TerminalId, printable ASCII; a fleet counts up from it' },
  model: { value: 'NAME', fallback: 'lane5000', parse: oneOf(MODELS), help: MODELS.join(' | ') },
  scenario: { value: 'NAME', parse: oneOf(SCENARIOS), help: `${SCENARIOS.join(' | ')}; default approve` },
  script: { value: 'FILE.json', help: 'run the steps of a script file instead of a scenario' },
  language: { value: 'LANG', fallback: 'nl', parse: oneOf(LANGUAGES), help: LANGUAGES.join(' | ') },
  count: { value: 'N', fallback: '1', parse: integer(1, MAX_FLEET), help: `run a fleet of N terminals, 1 to ${MAX_FLEET}` },
  interactive: { help: "show the terminal's screen and read keys (card, PIN, stop, remove card)" },
  verbose: { help: 'log every frame sent and received as one JSON line' },
  'protocol-id': {
    value: 'DIGITS',
    fallback: DEFAULT_PROTOCOL_ID,
    parse: checked((t) => /^(\d\d){1,8}$/.test(t), 'an even number (2 to 16) of digits'),
    help: 'ProtocolId',
  },
  'shop-name': { value: 'TEXT', parse: checked((t) => t.length <= 60, 'at most 60 characters'), help: 'shop name printed on tickets; default Kassa Demo Shop' },
  'stage-delay': { value: 'MS', fallback: String(DEFAULT_STAGE_DELAY_MS), parse: integer(0, 3_600_000), help: 'pause between stages' },
  'keep-alive-interval': { value: 'MS', parse: integer(10, 3_600_000), help: "override the interval given by the box's HelloResponse" },
  seed: { value: 'N', fallback: '1', parse: integer(0, 2 ** 31 - 1), help: 'seed of garbage and split randomness' },
  serial: {
    value: 'SERIAL',
    parse: checked(isSerialNumber, PRINTABLE),
    help: 'SerialNumber the terminal reports in VersionInformation; default: model prefix, S, last 8 digits of the TerminalId; one terminal only',
  },
  'local-address': {
    value: 'ADDR',
    parse: checked(isLocalAddress, 'an IPv4 or IPv6 address'),
    help: 'dial from this local address (e.g. 127.0.0.2: another device on this machine)',
  },
} as const satisfies Flags;

export const USAGE = `Usage: kassa-terminal [flags]

Emulates Ingenico Lane/5000, Desk/5000 or Move/5000 terminals that dial a kassa box.

${helpLines(FLAGS).join('\n')}
`;

export type ParsedCli = { readonly kind: 'help' } | { readonly kind: 'version' } | { readonly kind: 'run'; readonly config: CliConfig };

/** Parses and validates the command line; throws SimError SIM_BAD_FLAG with a sentence naming the flag. */
export function parseCliArgs(argv: readonly string[]): ParsedCli {
  const parsed = readFlags(FLAGS, argv, {}, bad);
  if (parsed.kind !== 'run') return parsed;
  const v = parsed.values;
  if (v.scenario !== undefined && v.script !== undefined) throw bad('--scenario and --script exclude each other');
  if (v.interactive && v.count > 1) throw bad('--interactive runs one terminal: leave out --count');
  if (v.serial !== undefined && v.count > 1) throw bad('--serial names one terminal: leave out --count');
  return {
    kind: 'run',
    config: {
      box: v.box,
      terminalId: v['terminal-id'],
      model: v.model,
      scenario: v.script !== undefined ? { scriptPath: v.script } : (v.scenario ?? 'approve'),
      language: v.language,
      count: v.count,
      interactive: v.interactive,
      verbose: v.verbose,
      protocolId: v['protocol-id'],
      shopName: v['shop-name'],
      stageDelayMs: v['stage-delay'],
      keepAliveIntervalMs: v['keep-alive-interval'],
      seed: v.seed,
      serialNumber: v.serial,
      localAddress: v['local-address'],
    },
  };
}
