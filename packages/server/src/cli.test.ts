import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const bin = fileURLToPath(new URL('../bin/kassa-server.js', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

// The command runs from dist/: compile the server (incremental) so it runs the current sources.
beforeAll(() => {
  execFileSync('npx', ['tsc', '-b', 'packages/server'], { cwd: repoRoot, stdio: 'pipe' });
}, 180_000);

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' }, timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('kassa-server command line', () => {
  it('prints its usage on --help and on -h, and exits 0', () => {
    for (const flag of ['--help', '-h']) {
      const { status, stdout } = run([flag]);
      expect(status).toBe(0);
      for (const name of ['--port', '--data', '--database-url', '--public-url', '--trust-proxy', '--version']) expect(stdout).toContain(name);
    }
  });

  it('prints the version of its package on --version', () => {
    const { status, stdout } = run(['--version']);
    expect(status).toBe(0);
    expect(stdout).toBe(`kassa-server ${version}\n`);
  });

  it('refuses an unknown flag with one line and exit code 2', () => {
    const { status, stdout, stderr } = run(['--bogus']);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual(['kassa-server: unknown option "--bogus" (see --help)']);
  });

  it('refuses a bad value with one line and exit code 2', () => {
    const { status, stderr } = run(['--port', 'eighty']);
    expect(status).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  const outcomes: [string[], number, RegExp][] = [
    [['create-admin', '--help'], 0, /^Usage: kassa-server/],
    [['backup', '-h'], 0, /^Usage: kassa-server/],
    [['restore', '--version'], 0, /^kassa-server \d/],
    [['--port'], 2, /^kassa-server: --port needs a value: N \(see --help\)\n$/],
    [['create-admin', '--role', 'admin'], 2, /^kassa-server: unknown option "--role" \(see --help\)\n$/],
    [['--log-level', 'loud'], 2, /^kassa-server: --log-level must be one of/],
  ];
  it.each(outcomes)('answers %j with exit code %i and one line', (args, status, line) => {
    const result = run(args);
    expect(result.status).toBe(status);
    expect(status === 0 ? result.stdout : result.stderr).toMatch(line);
    if (status !== 0) expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('kassa-server on an empty database', () => {
  it('prints the create-admin command for its own data folder, which then creates the admin there from any folder', async () => {
    const home = mkdtempSync(join(tmpdir(), 'kassa-first-run-'));
    try {
      // A relative --data, as a person types it: the printed command must still reach it from elsewhere.
      const server = spawn(process.execPath, [bin, '--port', '0', '--data', 'shop-data', '--log-level', 'warn'], {
        cwd: home,
        env: { PATH: process.env['PATH'] ?? '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      const exited = new Promise((resolve) => server.once('exit', resolve));
      const printed = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no create-admin command printed:\n${output}`)), 60_000);
        server.stdout.on('data', () => {
          const match = /^ {4}(kassa-server create-admin .*)$/m.exec(output);
          if (match === null) return;
          clearTimeout(timer);
          resolve(match[1]!);
        });
      });
      server.kill('SIGTERM');
      await exited;
      expect(output).toContain('or in a shell (with this server stopped');
      expect(printed).toBe(`kassa-server create-admin --username NAME --data ${join(home, 'shop-data')}`);
      const args = printed.replace('NAME', 'owner').split(' ').slice(1);
      const created = spawnSync(process.execPath, [bin, ...args], {
        encoding: 'utf8',
        env: { PATH: process.env['PATH'] ?? '', KASSA_ADMIN_PASSWORD: 'the shop keys 2026' },
        timeout: 60_000,
      });
      expect(created.stderr).toBe('');
      expect(created.stdout).toBe('admin owner created\n');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);
});
