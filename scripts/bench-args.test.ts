import { describe, expect, it } from 'vitest';
import { benchArgs } from './bench-args.js';

describe('the command line of npm run bench', () => {
  it('runs the benches when given nothing', () => {
    expect(benchArgs([], '0.1.0')).toBeNull();
  });

  it('prints its help on -h and --help and its version on --version, exiting 0', () => {
    for (const flag of ['-h', '--help']) expect(benchArgs([flag], '0.1.0')).toEqual({ exit: 0, out: expect.stringContaining('Usage: npm run bench') });
    expect(benchArgs(['--version'], '0.1.0')).toEqual({ exit: 0, out: 'bench 0.1.0' });
  });

  it.each([
    [['--bogus'], 'bench: unknown option "--bogus" (see --help)'],
    [['server'], 'bench: unexpected argument "server" (see --help)'],
  ])('refuses %j with one line and exit code 2, before any bench', (argv, line) => {
    expect(benchArgs(argv, '0.1.0')).toEqual({ exit: 2, err: line });
  });
});
