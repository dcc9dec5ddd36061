import { ChaosError, ChaosErrorCode } from './errors.js';

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

export const USAGE = `Usage: npm run chaos [-- options]

Runs two kassa servers on PostgreSQL, a kassa box and a fleet of emulated terminals on loopback,
requests payments as tills do, and injects faults at random; then checks every terminal's ledger
against the server.

  --seed N            seed of every random choice (default: random, always printed)
  --duration S        seconds of traffic and faults (default ${DEFAULT_DURATION_S})
  --long              one hour (--duration ${LONG_DURATION_S})
  --settle S          seconds allowed for payments to settle afterwards (default 90)
  --terminals N       emulated terminals, 5 to 48 (default 10)
  --database-url URL  PostgreSQL server to create the run's database on (env CHAOS_DATABASE_URL,
                      default ${DEFAULT_DATABASE_URL})
  --keep-database     leave the run's database for inspection
  --verbose           print every fault and every till decision
  --help              this text`;

export type ParsedChaosArgs = { readonly kind: 'help' } | { readonly kind: 'run'; readonly options: ChaosOptions };

function bad(message: string): ChaosError {
  return new ChaosError(ChaosErrorCode.BadFlag, message);
}

function integer(flag: string, text: string | undefined, min: number, max: number): number {
  if (text === undefined || !/^[0-9]{1,10}$/.test(text)) throw bad(`${flag} needs a whole number, got ${JSON.stringify(text ?? '')}`);
  const value = Number(text);
  if (value < min || value > max) throw bad(`${flag} must be from ${min} to ${max}, got ${value}`);
  return value;
}

/** Reads the flags; a bad one is a ChaosError CHAOS_BAD_FLAG. */
export function parseChaosArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, randomSeed: () => number): ParsedChaosArgs {
  let seed: number | undefined;
  let durationS: number | undefined;
  let long = false;
  let settleS = 90;
  let terminals = 10;
  let databaseUrl = env['CHAOS_DATABASE_URL'] || DEFAULT_DATABASE_URL;
  let keepDatabase = false;
  let verbose = false;
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    if (seen.has(name)) throw bad(`${name} given twice`);
    seen.add(name);
    const value = (): string | undefined => inline ?? argv[++i];
    switch (name) {
      case '--help':
      case '-h':
        return { kind: 'help' };
      case '--seed':
        seed = integer(name, value(), 0, 0xffffffff);
        break;
      case '--duration':
        durationS = integer(name, value(), 5, 24 * 3600);
        break;
      case '--long':
        long = true;
        break;
      case '--settle':
        settleS = integer(name, value(), 10, 3600);
        break;
      case '--terminals':
        terminals = integer(name, value(), 5, 48);
        break;
      case '--database-url': {
        const text = value() ?? '';
        if (!/^postgres(ql)?:\/\//.test(text)) throw bad(`--database-url must be a postgres:// URL, got ${JSON.stringify(text)}`);
        databaseUrl = text;
        break;
      }
      case '--keep-database':
        keepDatabase = true;
        break;
      case '--verbose':
        verbose = true;
        break;
      default:
        throw bad(`unknown option ${JSON.stringify(name)} (see --help)`);
    }
  }
  if (long && durationS !== undefined) throw bad('--long and --duration exclude each other');
  return {
    kind: 'run',
    options: {
      seed: seed ?? randomSeed(),
      durationS: durationS ?? (long ? LONG_DURATION_S : DEFAULT_DURATION_S),
      settleS,
      terminals,
      databaseUrl,
      keepDatabase,
      verbose,
    },
  };
}
