import { SimError, SimErrorCode } from './errors.js';
import { MAX_FLEET } from './fleet.js';
import { isModelName, MODELS, type ModelName } from './models.js';
import { DEFAULT_PROTOCOL_ID, DEFAULT_STAGE_DELAY_MS, isLocalAddress, isSerialNumber, isTerminalId, parseBoxAddress } from './options.js';
import { isScenarioName, SCENARIOS, type ScenarioName } from './scenarios.js';
import { isLanguage, LANGUAGES, type Language } from './texts.js';

export interface CliConfig {
  readonly help: boolean;
  readonly version: boolean;
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

export const USAGE = `Usage: kassa-terminal [flags]

Emulates Ingenico Lane/5000, Desk/5000 or Move/5000 terminals that dial a kassa box.

  --box HOST:PORT          the box to dial (default 127.0.0.1:9000; port 9000 when left out)
  --terminal-id ID         TerminalId, printable ASCII (default 12345678); a fleet counts up from it
  --model NAME             ${MODELS.join(' | ')} (default lane5000)
  --scenario NAME          ${SCENARIOS.join(' | ')} (default approve)
  --script FILE.json       run the steps of a script file instead of a scenario
  --language LANG          ${LANGUAGES.join(' | ')} (default nl)
  --count N                run a fleet of N terminals, 1 to ${MAX_FLEET} (default 1)
  --interactive            show the terminal's screen and read keys (card, PIN, stop, remove card)
  --verbose                log every frame sent and received as one JSON line
  --protocol-id DIGITS     ProtocolId (default ${DEFAULT_PROTOCOL_ID})
  --shop-name TEXT         shop name printed on tickets
  --stage-delay MS         pause between stages (default ${DEFAULT_STAGE_DELAY_MS})
  --keep-alive-interval MS override the interval given by the box's HelloResponse
  --seed N                 seed of garbage and split randomness (default 1)
  --serial SERIAL          SerialNumber the terminal reports in VersionInformation
                           (default: model prefix, S, last 8 digits of the TerminalId; one terminal only)
  --local-address ADDR     dial from this local address (e.g. 127.0.0.2: another device on this machine)
  --version                print the version
  -h, --help               print this text
`;

const VALUE_FLAGS = new Set([
  'box',
  'terminal-id',
  'model',
  'scenario',
  'script',
  'language',
  'count',
  'protocol-id',
  'shop-name',
  'stage-delay',
  'keep-alive-interval',
  'seed',
  'serial',
  'local-address',
]);
const SWITCHES = new Set(['interactive', 'verbose', 'help', 'version']);

function bad(reason: string): SimError {
  return new SimError(SimErrorCode.BadFlag, reason);
}

/** Splits argv into flag values; every flag known, none repeated, every value present. */
function readFlags(argv: readonly string[]): Map<string, string | true> {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] === '-h' ? '--help' : argv[i]!;
    if (!arg.startsWith('--')) throw bad(`unexpected argument "${arg}" (flags start with --)`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (!VALUE_FLAGS.has(name) && !SWITCHES.has(name)) throw bad(`unknown flag --${name}`);
    if (flags.has(name)) throw bad(`--${name} is given twice`);
    if (SWITCHES.has(name)) {
      if (eq !== -1) throw bad(`--${name} takes no value`);
      flags.set(name, true);
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw bad(`--${name} needs a value`);
      i++;
    }
    if (value.length === 0) throw bad(`--${name} needs a value`);
    flags.set(name, value);
  }
  return flags;
}

function integerFlag(flags: Map<string, string | true>, name: string, fallback: number, min: number, max: number): number {
  const text = flags.get(name);
  if (text === undefined) return fallback;
  if (typeof text !== 'string' || !/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw bad(`--${name} must be a whole number from ${min} to ${max}, not "${String(text)}"`);
  }
  return Number(text);
}

function stringFlag(flags: Map<string, string | true>, name: string): string | undefined {
  const value = flags.get(name);
  return typeof value === 'string' ? value : undefined;
}

/** Parses and validates the command line; throws SimError SIM_BAD_FLAG with a sentence naming the flag. */
export function parseCliArgs(argv: readonly string[]): CliConfig {
  const flags = readFlags(argv);
  const boxText = stringFlag(flags, 'box') ?? '127.0.0.1:9000';
  let box: { host: string; port: number };
  try {
    box = parseBoxAddress(boxText);
  } catch {
    throw bad(`--box "${boxText}" must be HOST:PORT with a port from 1 to 65535`);
  }
  const terminalId = stringFlag(flags, 'terminal-id') ?? '12345678';
  if (!isTerminalId(terminalId)) throw bad(`--terminal-id "${terminalId}" must be 1 to 32 printable ASCII characters without spaces`);
  const model = stringFlag(flags, 'model') ?? 'lane5000';
  if (!isModelName(model)) throw bad(`--model "${model}" must be one of ${MODELS.join(', ')}`);
  const language = stringFlag(flags, 'language') ?? 'nl';
  if (!isLanguage(language)) throw bad(`--language "${language}" must be one of ${LANGUAGES.join(', ')}`);
  const scenarioName = stringFlag(flags, 'scenario');
  const scriptPath = stringFlag(flags, 'script');
  if (scenarioName !== undefined && scriptPath !== undefined) throw bad('--scenario and --script exclude each other');
  if (scenarioName !== undefined && !isScenarioName(scenarioName)) throw bad(`--scenario "${scenarioName}" must be one of ${SCENARIOS.join(', ')}`);
  const protocolId = stringFlag(flags, 'protocol-id') ?? DEFAULT_PROTOCOL_ID;
  if (!/^(\d\d){1,8}$/.test(protocolId)) throw bad(`--protocol-id "${protocolId}" must be an even number (2 to 16) of digits`);
  const shopName = stringFlag(flags, 'shop-name');
  if (shopName !== undefined && shopName.length > 60) throw bad('--shop-name must be at most 60 characters');
  const count = integerFlag(flags, 'count', 1, 1, MAX_FLEET);
  const interactive = flags.get('interactive') === true;
  if (interactive && count > 1) throw bad('--interactive runs one terminal: leave out --count');
  const serialNumber = stringFlag(flags, 'serial');
  if (serialNumber !== undefined && !isSerialNumber(serialNumber)) throw bad(`--serial "${serialNumber}" must be 1 to 32 printable ASCII characters without spaces`);
  if (serialNumber !== undefined && count > 1) throw bad('--serial names one terminal: leave out --count');
  const localAddress = stringFlag(flags, 'local-address');
  if (localAddress !== undefined && !isLocalAddress(localAddress)) throw bad(`--local-address "${localAddress}" must be an IPv4 or IPv6 address`);
  const keepAlive = flags.get('keep-alive-interval');
  return {
    help: flags.get('help') === true,
    version: flags.get('version') === true,
    box,
    terminalId,
    model,
    scenario: scriptPath !== undefined ? { scriptPath } : ((scenarioName as ScenarioName | undefined) ?? 'approve'),
    language,
    count,
    interactive,
    verbose: flags.get('verbose') === true,
    protocolId,
    shopName,
    stageDelayMs: integerFlag(flags, 'stage-delay', DEFAULT_STAGE_DELAY_MS, 0, 3_600_000),
    keepAliveIntervalMs: keepAlive === undefined ? undefined : integerFlag(flags, 'keep-alive-interval', 0, 10, 3_600_000),
    seed: integerFlag(flags, 'seed', 1, 0, 2 ** 31 - 1),
    serialNumber,
    localAddress,
  };
}
