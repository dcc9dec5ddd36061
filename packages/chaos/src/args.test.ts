import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DATABASE_URL, DEFAULT_DURATION_S, FLAGS, LONG_DURATION_S, parseChaosArgs, USAGE } from './args.js';
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
    expect(parse(['--database-url', 'postgres://a@b/c'], { CHAOS_DATABASE_URL: 'postgres://x@db/y' })).toMatchObject({
      options: { databaseUrl: 'postgres://a@b/c' },
    });
  });

  it('refuses unknown, repeated, malformed and contradictory flags with CHAOS_BAD_FLAG', () => {
    for (const argv of [
      ['--nope'],
      ['--seed', 'x'],
      ['--seed', '1', '--seed', '2'],
      ['--duration', '1'],
      ['--terminals', '100'],
      ['--long', '--duration', '60'],
      ['--database-url', 'http://x'],
    ]) {
      expect(
        codeOf(() => parse(argv)),
        argv.join(' '),
      ).toBe('CHAOS_BAD_FLAG');
    }
  });

  it('answers --help', () => {
    expect(parse(['--help'])).toEqual({ kind: 'help' });
  });
});

describe('the chaos command line, flag by flag', () => {
  const given: [string[], Record<string, string>, Record<string, unknown>][] = [
    [[], {}, { seed: 777, durationS: DEFAULT_DURATION_S, settleS: 90, terminals: 10, databaseUrl: DEFAULT_DATABASE_URL, keepDatabase: false, verbose: false }],
    [['--seed=0'], {}, { seed: 0 }],
    [['--duration', '5'], {}, { durationS: 5 }],
    [['--long'], {}, { durationS: LONG_DURATION_S }],
    [['--settle', '3600'], {}, { settleS: 3600 }],
    [['--terminals', '48'], {}, { terminals: 48 }],
    [[], { CHAOS_DATABASE_URL: 'postgresql://ci@db/chaos' }, { databaseUrl: 'postgresql://ci@db/chaos' }],
    [[], { CHAOS_DATABASE_URL: '' }, { databaseUrl: DEFAULT_DATABASE_URL }],
    [['--keep-database', '--verbose'], {}, { keepDatabase: true, verbose: true }],
  ];
  it.each(given)('reads %j %j', (argv, env, expected) => {
    expect(parse(argv, env)).toMatchObject({ kind: 'run', options: expected });
  });

  const refused: [string[], Record<string, string>, string][] = [
    [['--nope'], {}, 'unknown option "--nope"'],
    [['--seed'], {}, '--seed needs a value: N'],
    [['--long=1'], {}, '--long takes no value'],
    [['--settle', '9'], {}, '--settle must be from 10 to 3600, got 9'],
    [[], { CHAOS_DATABASE_URL: 'mysql://db' }, '--database-url (CHAOS_DATABASE_URL) must be a postgres:// URL'],
  ];
  it.each(refused)('refuses %j %j in one line naming the flag', (argv, env, message) => {
    let error: unknown;
    try {
      parse(argv, env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ChaosError);
    expect((error as ChaosError).message).toContain(message);
    expect((error as ChaosError).message.split('\n')).toHaveLength(1);
  });

  it('answers -h and --version before checking values, and lists every flag', () => {
    expect(parse(['--seed', 'x', '-h'])).toEqual({ kind: 'help' });
    expect(parse(['--version'], { CHAOS_DATABASE_URL: 'mysql://db' })).toEqual({ kind: 'version' });
    for (const name of Object.keys(FLAGS)) expect(USAGE).toContain(`--${name}`);
  });
});

describe('npm run chaos, before it starts anything', () => {
  const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
  const bin = fileURLToPath(new URL('../dist/run.js', import.meta.url));
  beforeAll(() => {
    execFileSync('npx', ['tsc', '-b', 'packages/chaos'], { cwd: repoRoot, stdio: 'pipe' });
  }, 180_000);

  it.each([
    [['-h'], 0, /^Usage: npm run chaos/],
    [['--version'], 0, /^chaos \d+\.\d+\.\d+\n$/],
    [['--bogus'], 2, /^chaos: CHAOS_BAD_FLAG: unknown option "--bogus"\n$/],
    [['--terminals', '4'], 2, /^chaos: CHAOS_BAD_FLAG: --terminals must be from 5 to 48, got 4\n$/],
  ])('answers %j with exit code %i and one line', (args, status, line) => {
    const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' }, timeout: 30_000 });
    expect(result.status).toBe(status);
    expect(status === 0 ? result.stdout : result.stderr).toMatch(line);
  });
});
