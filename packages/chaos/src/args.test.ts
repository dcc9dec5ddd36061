import { describe, expect, it } from 'vitest';
import { DEFAULT_DURATION_S, LONG_DURATION_S, parseChaosArgs } from './args.js';
import { ChaosError } from './errors.js';

const parse = (argv: string[], env: Record<string, string> = {}) => parseChaosArgs(argv, env, () => 777);

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof ChaosError ? error.code : 'not a ChaosError';
  }
  return undefined;
}

describe('parseChaosArgs', () => {
  it('draws a seed and uses the short CI duration when nothing is given', () => {
    expect(parse([])).toMatchObject({ kind: 'run', options: { seed: 777, durationS: DEFAULT_DURATION_S, terminals: 10, keepDatabase: false } });
  });

  it('takes a seed, a duration and the long run', () => {
    expect(parse(['--seed', '12', '--duration=30'])).toMatchObject({ options: { seed: 12, durationS: 30 } });
    expect(parse(['--long'])).toMatchObject({ options: { durationS: LONG_DURATION_S } });
  });

  it('reads the database URL from the environment unless a flag names one', () => {
    expect(parse([], { CHAOS_DATABASE_URL: 'postgres://x@db/y' })).toMatchObject({ options: { databaseUrl: 'postgres://x@db/y' } });
    expect(parse(['--database-url', 'postgres://a@b/c'], { CHAOS_DATABASE_URL: 'postgres://x@db/y' })).toMatchObject({ options: { databaseUrl: 'postgres://a@b/c' } });
  });

  it('refuses unknown, repeated, malformed and contradictory flags with CHAOS_BAD_FLAG', () => {
    for (const argv of [['--nope'], ['--seed', 'x'], ['--seed', '1', '--seed', '2'], ['--duration', '1'], ['--terminals', '100'], ['--long', '--duration', '60'], ['--database-url', 'http://x']]) {
      expect(codeOf(() => parse(argv)), argv.join(' ')).toBe('CHAOS_BAD_FLAG');
    }
  });

  it('answers --help', () => {
    expect(parse(['--help'])).toEqual({ kind: 'help' });
  });
});
