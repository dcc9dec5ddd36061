import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBox, CLI } from '../src/test-support/child-box.js';

beforeAll(() => buildBox(), 120_000);

function run(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env }, timeout: 15_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('kassa-iotbox command line', () => {
  it('prints its usage with every flag and variable on --help', () => {
    const { status, stdout } = run(['--help']);
    expect(status).toBe(0);
    for (const name of ['--listen', '--http', '--server', '--token', '--data', '--allow', '--log-level', 'KASSA_BOX_LISTEN', 'KASSA_BOX_TOKEN'])
      expect(stdout).toContain(name);
  });

  it('prints its usage on -h too', () => {
    const { status, stdout } = run(['-h']);
    expect(status).toBe(0);
    expect(stdout).toContain('--listen');
  });

  it('prints the version of its package on --version', () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const { status, stdout } = run(['--version']);
    expect(status).toBe(0);
    expect(stdout).toBe(`kassa-iotbox ${version}\n`);
  });

  it('refuses an unknown flag with one line and exit code 2', () => {
    const { status, stderr } = run(['--bogus']);
    expect(status).toBe(2);
    expect(stderr.trim().split('\n')).toEqual(['kassa-iotbox: unknown option "--bogus" (see --help)']);
  });

  it('refuses a bad value from the environment with exit code 2', () => {
    const { status, stderr } = run([], { KASSA_BOX_LISTEN: 'not-an-address' });
    expect(status).toBe(2);
    expect(stderr).toContain('--listen');
  });

  it('never prints the token when it refuses it', () => {
    const { status, stderr } = run(['--server', 'http://127.0.0.1:1', '--token', 'has space']);
    expect(status).toBe(2);
    expect(stderr).not.toContain('has space');
  });

  const outcomes: [string[], Record<string, string>, number, RegExp][] = [
    [['-h'], {}, 0, /^Usage: kassa-iotbox/],
    [['pair', '--help'], {}, 0, /^Usage: kassa-iotbox/],
    [['pair', '--version'], {}, 0, /^kassa-iotbox \d/],
    [['--listen'], {}, 2, /^kassa-iotbox: --listen needs a value: HOST:PORT \(see --help\)\n$/],
    [['--log-level', 'loud'], {}, 2, /^kassa-iotbox: --log-level must be one of/],
    [[], { KASSA_BOX_LOG_LEVEL: 'loud' }, 2, /^kassa-iotbox: --log-level \(KASSA_BOX_LOG_LEVEL\) must be one of/],
    [['pair', '--server', 'https://pos.example.be', '--code', '12'], {}, 2, /^kassa-iotbox: --code must be six digits/],
    [['pair', '--bogus'], {}, 2, /^kassa-iotbox: pair: unknown option "--bogus"/],
  ];
  it.each(outcomes)('answers %j %j with exit code %i and one line', (args, env, status, line) => {
    const result = run(args, env);
    expect(result.status).toBe(status);
    const out = status === 0 ? result.stdout : result.stderr;
    expect(out).toMatch(line);
    if (status !== 0) expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
