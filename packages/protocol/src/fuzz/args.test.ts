import { describe, expect, it } from 'vitest';
import { fuzzArgs } from './args.js';

describe('the command line of npm run fuzz', () => {
  it('runs a million frames with a seed from the clock when given nothing, and takes --frames and --seed', () => {
    expect(fuzzArgs([])).toEqual({ frames: 1_000_000, seed: undefined });
    expect(fuzzArgs(['--frames', '500', '--seed=7'])).toEqual({ frames: 500, seed: 7 });
  });

  it.each([['-h'], ['--help'], ['--frames', 'x', '--help']])('prints its help and exits 0 on %j', (...argv) => {
    expect(fuzzArgs(argv)).toMatchObject({ exit: 0, out: expect.stringContaining('--frames N') });
  });

  it('prints its version and exits 0 on --version', () => {
    expect(fuzzArgs(['--version'])).toEqual({ exit: 0, out: expect.stringMatching(/^fuzz \d+\.\d+\.\d+$/) });
  });

  it.each([
    [['--bogus'], 'fuzz: unknown option "--bogus" (see --help)'],
    [['--frames', '-1'], 'fuzz: --frames needs a value: N (see --help)'],
    [['--frames', 'many'], 'fuzz: --frames needs a non-negative integer (see --help)'],
    [['1000'], 'fuzz: unexpected argument "1000" (see --help)'],
  ])('refuses %j with one line and exit code 2, before any frame', (argv, line) => {
    expect(fuzzArgs(argv)).toEqual({ exit: 2, err: line });
  });
});
