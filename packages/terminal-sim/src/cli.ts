import { readFileSync } from 'node:fs';
import { parseCliArgs, USAGE, type CliConfig } from './cli-args.js';
import { SimError, SimErrorCode } from './errors.js';
import { fleetTerminalIds, startFleet } from './fleet.js';
import { runInteractive } from './interactive.js';
import type { LedgerEntry } from './ledger.js';
import type { TerminalOptions } from './options.js';
import { parseScript, type ScriptStep } from './script.js';
import type { TerminalHandle } from './terminal.js';
import { SIM_VERSION } from './version.js';

/** Exit codes: 0 done, 1 failed while running, 2 bad command line or script. */
const EXIT_USAGE = 2;

function jsonLine(line: Record<string, unknown>): string {
  return JSON.stringify(line, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}

function loadScript(path: string): ScriptStep[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SimError(SimErrorCode.BadScript, `cannot read ${path}: ${(error as Error).message}`);
  }
  return parseScript(text);
}

function terminalOptions(config: CliConfig): TerminalOptions {
  return {
    box: config.box,
    terminalId: config.terminalId,
    model: config.model,
    scenario: typeof config.scenario === 'string' ? config.scenario : loadScript(config.scenario.scriptPath),
    language: config.language,
    protocolId: config.protocolId,
    ...(config.shopName !== undefined ? { shopName: config.shopName } : {}),
    stageDelayMs: config.stageDelayMs,
    seed: config.seed,
    manualKeys: config.interactive,
    ...(config.keepAliveIntervalMs !== undefined ? { keepAliveIntervalMs: config.keepAliveIntervalMs } : {}),
    ...(config.serialNumber !== undefined ? { serialNumber: config.serialNumber } : {}),
    ...(config.localAddress !== undefined ? { localAddress: config.localAddress } : {}),
    ...(config.verbose ? { logger: (line: Record<string, unknown>) => process.stdout.write(`${jsonLine(line)}\n`) } : {}),
  };
}

/** One plain line per connection change and finished transaction (when neither verbose nor interactive). */
function narrate(terminal: TerminalHandle): void {
  const say = (text: string): void => {
    process.stdout.write(`${new Date().toISOString()} ${terminal.terminalId} ${text}\n`);
  };
  terminal.events.on('hello', () => say('connected (HelloResponse received)'));
  terminal.events.on('disconnected', (info: { error?: SimError }) => say(`disconnected${info.error ? ` (${info.error.code})` : ''}`));
  terminal.events.on('transaction-started', (tx: { transactionId: bigint; amountCents: number }) =>
    say(`transaction ${tx.transactionId} for ${tx.amountCents} cents started`),
  );
  terminal.events.on('transaction-finished', (entry: LedgerEntry) =>
    say(`transaction ${entry.transactionId}: ${entry.result}${entry.reportedToBox ? '' : ' (not reported to the box)'}`),
  );
}

function fail(error: unknown): never {
  if (error instanceof SimError) {
    process.stderr.write(`kassa-terminal: ${error.message} (see --help)\n`);
    process.exit(EXIT_USAGE);
  }
  throw error;
}

function main(argv: readonly string[]): void {
  let config: CliConfig;
  let options: TerminalOptions;
  try {
    const parsed = parseCliArgs(argv);
    if (parsed.kind === 'help') {
      process.stdout.write(USAGE);
      return;
    }
    if (parsed.kind === 'version') {
      process.stdout.write(`kassa-terminal ${SIM_VERSION}\n`);
      return;
    }
    config = parsed.config;
    fleetTerminalIds(config.terminalId, config.count);
    options = terminalOptions(config);
  } catch (error) {
    fail(error);
  }
  const fleet = startFleet({ ...options, count: config.count });
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    void fleet.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (config.interactive) {
    runInteractive(fleet.terminals[0]!, config.model, config.language, stop);
  } else if (config.verbose) {
    return;
  } else if (config.count === 1) {
    narrate(fleet.terminals[0]!);
  } else {
    const started = Date.now();
    fleet.ready().then(
      () => process.stdout.write(`${config.count} terminals connected in ${Date.now() - started} ms\n`),
      () => undefined,
    );
  }
}

main(process.argv.slice(2));
