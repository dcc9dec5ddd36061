import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { helpLines, readFlags, type Flags } from '@kassa/protocol';

// The server may import only the contract, so it keeps a copy of the protocol package's pattern; the copies stay one.
const PACKAGES = ['protocol', 'server'];

class UsageError extends Error {}
const fail = (message: string): UsageError => new UsageError(message);
function level(text: string, name: string): string {
  if (text === 'loud') throw fail(`${name} is too loud`);
  return text.toUpperCase();
}
const TABLE = {
  level: { value: 'LEVEL', env: 'LEVEL', fallback: 'info', parse: level, help: 'how much to say' },
  name: { short: 'n', value: 'NAME', help: 'a name' },
  quiet: { env: 'QUIET', help: 'say nothing' },
} as const satisfies Flags;

function failure(argv: string[], env: Record<string, string> = {}): string {
  try {
    readFlags(TABLE, argv, env, fail);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  return 'no error';
}

describe('the command-line pattern', () => {
  it('is the same file in every package that has a command line', () => {
    const [first, ...others] = PACKAGES.map((name) => readFileSync(new URL(`../packages/${name}/src/flags.ts`, import.meta.url), 'utf8'));
    for (const [i, text] of others.entries()) expect(text, PACKAGES[i + 1]).toBe(first);
  });

  it.each([
    [[], {}, { level: 'INFO', name: undefined, quiet: false }],
    [['--level=debug', '-n', 'ann', '--quiet'], {}, { level: 'DEBUG', name: 'ann', quiet: true }],
    [[], { LEVEL: 'warn', QUIET: '1' }, { level: 'WARN', quiet: true }],
    [['--level', 'trace'], { LEVEL: 'warn', QUIET: 'no' }, { level: 'TRACE', quiet: false }],
    [[], { LEVEL: '' }, { level: 'INFO' }],
  ])('reads %j with %j: flag over variable over default', (argv, env, expected) => {
    expect(readFlags(TABLE, argv, env, fail)).toMatchObject({ kind: 'run', values: expected });
  });

  it.each([
    [['--constructor'], 'unknown option "--constructor"'],
    [['-x'], 'unknown option "-x"'],
    [['word'], 'unexpected argument "word"'],
    [['--', '--name'], 'unexpected argument "--name"'],
    [['--name'], '--name needs a value: NAME'],
    [['-n', '--quiet'], '--name needs a value: NAME'],
    [['--name='], '--name needs a value: NAME'],
    [['--quiet=1'], '--quiet takes no value'],
    [['-n', 'a', '--name', 'b'], '--name is given twice'],
    [['--level', 'loud'], '--level is too loud'],
  ])('refuses %j: %s', (argv, message) => {
    expect(failure(argv)).toBe(message);
  });

  it('names the variable when the bad value came from it', () => {
    expect(failure([], { LEVEL: 'loud' })).toBe('--level (LEVEL) is too loud');
  });

  it('answers help and version before it checks a value, and keeps positionals it may take', () => {
    expect(readFlags(TABLE, ['--level', 'loud', '-h'], {}, fail)).toEqual({ kind: 'help' });
    expect(readFlags(TABLE, ['--version'], { LEVEL: 'loud' }, fail)).toEqual({ kind: 'version' });
    expect(readFlags(TABLE, ['a.tar'], {}, fail, 1)).toMatchObject({ kind: 'run', positionals: ['a.tar'] });
  });

  it('writes one help line per flag, with its variable and default, within 100 columns', () => {
    expect(helpLines(TABLE)).toEqual([
      '  --level LEVEL    how much to say (env LEVEL, default info)',
      '  -n, --name NAME  a name',
      '  --quiet          say nothing (env QUIET=1)',
      '  --version        print the version',
      '  -h, --help       print this help',
    ]);
    const long = helpLines({ 'a-rather-long-flag-name': { value: 'TEXT', help: 'word '.repeat(40).trim() } }, false);
    expect(long[0]).toBe('  --a-rather-long-flag-name TEXT');
    expect(long.slice(1).every((line) => line.startsWith(' '.repeat(28) + 'word') && line.length <= 100)).toBe(true);
    expect(long.slice(1).join(' ').split(/ +/).filter(Boolean)).toHaveLength(40);
    expect(helpLines(TABLE, false).join('\n')).not.toContain('--version');
  });
});
