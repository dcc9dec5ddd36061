import { ChaosError, ChaosErrorCode } from './errors.js';
import { helpLines, readFlags, type Env, type Flags } from '@kassa/protocol';

export interface ChaosOptions {
  readonly seed: number;
  /** Seconds of faults and traffic, before the settle period. */
  readonly durationS: number;
  /** Seconds allowed for every payment to settle once the faults stop. */
  readonly settleS: number;
  readonly terminals: number;
  readonly databaseUrl: string;
  readonly keepDatabase: boolean;
  readonly verbose: boolean;
}

export const DEFAULT_DURATION_S = 150;
export const LONG_DURATION_S = 3600;
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

function bad(message: string): ChaosError {
  return new ChaosError(ChaosErrorCode.BadFlag, message);
}

function integer(min: number, max: number): (text: string, name: string) => number {
  return (text, name) => {
    if (!/^[0-9]{1,10}$/.test(text)) throw bad(`${name} needs a whole number, got ${JSON.stringify(text)}`);
    const value = Number(text);
    if (value < min || value > max) throw bad(`${name} must be from ${min} to ${max}, got ${value}`);
    return value;
  };
}

function postgresUrl(text: string, name: string): string {
  if (!/^postgres(ql)?:\/\//.test(text)) throw bad(`${name} must be a postgres:// URL, got ${JSON.stringify(text)}`);
  return text;
}

/** The chaos run's options: flag, variable, default, check and help line. */
export const FLAGS = {
  seed: { value: 'N', parse: integer(0, 0xffffffff), help: 'seed of every random choice; default: random, always printed' },
  duration: { value: 'S', parse: integer(5, 24 * 3600), help: `seconds of traffic and faults; default ${DEFAULT_DURATION_S}` },
  long: { help: `one hour (--duration ${LONG_DURATION_S})` },
  settle: { value: 'S', fallback: '90', parse: integer(10, 3600), help: 'seconds allowed for payments to settle afterwards' },
  terminals: { value: 'N', fallback: '10', parse: integer(5, 48), help: 'emulated terminals, 5 to 48' },
  'database-url': {
    value: 'URL',
    env: 'CHAOS_DATABASE_URL',
    fallback: DEFAULT_DATABASE_URL,
    parse: postgresUrl,
    help: "PostgreSQL server to create the run's database on",
  },
  'keep-database': { help: "leave the run's database for inspection" },
  verbose: { help: 'print every fault and every till decision' },
} as const satisfies Flags;

export const USAGE = `Usage: npm run chaos [-- options]

Runs two kassa servers on PostgreSQL, a kassa box and a fleet of emulated terminals on loopback,
requests payments as tills do, and injects faults at random; then checks every terminal's ledger
against the server.

${helpLines(FLAGS).join('\n')}`;

export type ParsedChaosArgs = { readonly kind: 'help' } | { readonly kind: 'version' } | { readonly kind: 'run'; readonly options: ChaosOptions };

/** Reads the flags; a bad one is a ChaosError CHAOS_BAD_FLAG. */
export function parseChaosArgs(argv: readonly string[], env: Env, randomSeed: () => number): ParsedChaosArgs {
  const parsed = readFlags(FLAGS, argv, env, bad);
  if (parsed.kind !== 'run') return parsed;
  const v = parsed.values;
  if (v.long && v.duration !== undefined) throw bad('--long and --duration exclude each other');
  return {
    kind: 'run',
    options: {
      seed: v.seed ?? randomSeed(),
      durationS: v.duration ?? (v.long ? LONG_DURATION_S : DEFAULT_DURATION_S),
      settleS: v.settle,
      terminals: v.terminals,
      databaseUrl: v['database-url'],
      keepDatabase: v['keep-database'],
      verbose: v.verbose,
    },
  };
}
