import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, PGLITE_FOLDER } from '../src/db/database.js';
import { TEST_DATABASE_URL } from '../src/test-support/databases.js';

// The README's "Deploying in a shop", run for real: every command line in its shell blocks must
// have been run here, with the same program, subcommand and flags (the values are local ones).
const root = fileURLToPath(new URL('../../../', import.meta.url));
const PROGRAMS: Record<string, string[]> = {
  'kassa-server': [process.execPath, join(root, 'packages/server/bin/kassa-server.js')],
  'kassa-iotbox': [process.execPath, join(root, 'packages/iot-box/bin/kassa-iotbox.js')],
};
const ran: string[][] = [];

function command(line: string[]): [string, string[]] {
  ran.push(line);
  const [program = '', ...args] = line;
  const bin = PROGRAMS[program];
  return bin === undefined ? [program, args] : [bin[0] ?? '', [...bin.slice(1), ...args]];
}

function run(line: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const [file, args] = command(line);
  return new Promise((resolve) => {
    execFile(file, args, { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

function start(line: string[], env: Record<string, string> = {}): { child: ChildProcess; output: () => string } {
  const [file, args] = command(line);
  const child = spawn(file, args, { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return { child, output: () => output };
}

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await Promise.resolve(check()).catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The README's shell lines of the section, as words (quotes removed), without `export` lines. */
function readmeCommands(): string[][] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Deploying in a shop'), readme.indexOf('\n## ', readme.indexOf('## Deploying in a shop') + 3));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks
    .flatMap((block) => block.split('\n'))
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('export '))
    .map((line) => [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? ''));
}

/** Program, subcommand and flag names: what must match between the README and what ran. */
function shape(words: readonly string[]): { key: string; flags: string[] } {
  const [program = '', maybeSub] = words;
  const sub = maybeSub !== undefined && /^[a-z][a-z-]+$/.test(maybeSub) && ['kassa-server', 'kassa-iotbox'].includes(program) ? maybeSub : '';
  const flags = words.filter((w) => w.startsWith('-')).map((w) => w.split('=')[0] ?? w);
  return { key: `${program} ${sub}`, flags };
}

describe('the README: deploying in a shop', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kassa-deploy-'));
  const database = `kassa_readme_${randomBytes(4).toString('hex')}`;
  const restoredDatabase = `${database}_restored`;
  const databaseUrl = TEST_DATABASE_URL.replace(/\/[^/]*$/, `/${database}`);
  const restoredUrl = TEST_DATABASE_URL.replace(/\/[^/]*$/, `/${restoredDatabase}`);
  const metricsToken = randomBytes(24).toString('hex');
  const boxData = join(dir, 'kassa-iotbox');
  const children: ChildProcess[] = [];
  let url = '';

  beforeAll(async () => {
    execFileSync('npx', ['tsc', '-b', join(root, 'packages/server'), join(root, 'packages/iot-box')], { cwd: root, stdio: 'pipe' });
    await admin(`create database ${database}`);
    await admin(`create database ${restoredDatabase}`);
  }, 300_000);
  afterAll(async () => {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : null)));
    await admin(`drop database if exists ${database} with (force)`);
    await admin(`drop database if exists ${restoredDatabase} with (force)`);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('runs the server on PostgreSQL, creates the first admin, pairs a box by code, reads the metrics and backs up', async () => {
    const env = { DATABASE_URL: databaseUrl };
    const created = await run(['kassa-server', 'create-admin', '--username', 'owner'], { ...env, KASSA_ADMIN_PASSWORD: 'the shop keys 2026' });
    expect(created).toMatchObject({ code: 0, stdout: 'admin owner created\n' });

    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const server = start(
      [
        'kassa-server',
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--public-url',
        url,
        '--trust-proxy',
        '127.0.0.1',
        '--metrics-token',
        metricsToken,
        '--log-level',
        'warn',
      ],
      env,
    );
    children.push(server.child);
    await until('the server', async () => ((await fetch(`${url}/api/healthz`)).ok ? true : undefined));
    expect(server.output()).not.toContain('/#/setup/');

    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'owner', password: 'the shop keys 2026' }),
    });
    const headers = {
      cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
      'x-csrf-token': ((await login.json()) as { csrfToken: string }).csrfToken,
      'content-type': 'application/json',
    };
    const shown = (await (await fetch(`${url}/api/boxes/pairing-codes`, { method: 'POST', headers, body: JSON.stringify({ name: 'Shop box' }) })).json()) as {
      code: string;
      command: string;
    };
    expect(shown.command).toBe(`kassa-iotbox pair --server ${url} --code ${shown.code}`);

    const paired = await run(['kassa-iotbox', 'pair', '--server', url, '--code', shown.code, '--data', boxData]);
    expect(paired.stderr).toBe('');
    expect(paired.code).toBe(0);
    const boxHttp = await freePort();
    const box = start(['kassa-iotbox', '--data', boxData, '--listen', '127.0.0.1:0', '--http', `127.0.0.1:${boxHttp}`]);
    children.push(box.child);
    await until('the box online', async () => {
      const list = (await (await fetch(`${url}/api/boxes`, { headers })).json()) as { items: { name: string; online: boolean }[] };
      return list.items.find((b) => b.name === 'Shop box' && b.online);
    });

    const serverMetrics = await run(['curl', '-s', '-H', `Authorization: Bearer ${metricsToken}`, `${url}/metrics`]);
    expect(serverMetrics.stdout).toContain('kassa_boxes_connected 1');
    const boxMetrics = await run(['curl', '-s', `http://127.0.0.1:${boxHttp}/metrics`]);
    expect(boxMetrics.stdout).toContain('kassa_box_uplink_state{state="ready"} 1');

    const dump = join(dir, 'kassa.dump');
    expect((await run(['pg_dump', '--format=custom', `--file=${dump}`, databaseUrl])).code).toBe(0);
    const restored = await run(['pg_restore', '--no-owner', `--dbname=${restoredUrl}`, dump]);
    expect(restored.stderr).toBe('');
    const copy = new pg.Client({ connectionString: restoredUrl });
    await copy.connect();
    try {
      expect((await copy.query('select username, role from users')).rows).toEqual([{ username: 'owner', role: 'admin' }]);
    } finally {
      await copy.end();
    }
  }, 300_000);

  it('backs up the embedded database and restores it into an empty folder', async () => {
    const data = join(dir, 'kassa');
    expect((await run(['kassa-server', 'create-admin', '--username', 'owner', '--data', data], { KASSA_ADMIN_PASSWORD: 'the shop keys 2026' })).code).toBe(0);
    const file = join(dir, 'backups', 'kassa.tar.gz');
    const backup = await run(['kassa-server', 'backup', '--to', file, '--data', data]);
    expect(backup.code).toBe(0);
    const into = join(dir, 'kassa-restored');
    const restore = await run(['kassa-server', 'restore', file, '--data', into]);
    expect(restore).toMatchObject({ code: 0, stdout: `${file} restored into ${into}\n` });
    const database = await openDatabase({ kind: 'pglite', dataDir: join(into, PGLITE_FOLDER) });
    try {
      expect(await database.db.selectFrom('users').select(['username', 'role']).execute()).toEqual([{ username: 'owner', role: 'admin' }]);
    } finally {
      await database.close();
    }
  }, 300_000);

  it("points to the services and the proxy, pairs into the box service's state directory, and keeps plain HTTP off the network", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Deploying in a shop'), readme.indexOf('\n## ', readme.indexOf('## Deploying in a shop') + 3));
    for (const file of ['deploy/systemd/kassa-server.service', 'deploy/systemd/kassa-iotbox.service', 'deploy/nginx/kassa.conf']) {
      expect(section).toContain(`](${file})`);
    }
    const unit = readFileSync(join(root, 'deploy/systemd/kassa-iotbox.service'), 'utf8');
    const stateDir = /^Environment=KASSA_BOX_DATA=(\S+)$/m.exec(unit)?.[1];
    const pair = readmeCommands().find((words) => words[0] === 'kassa-iotbox' && words[1] === 'pair');
    const run = readmeCommands().find((words) => words[0] === 'kassa-iotbox' && words[1] !== 'pair');
    expect(pair?.[pair.indexOf('--data') + 1]).toBe(stateDir);
    expect(run).toEqual(['kassa-iotbox', '--data', stateDir]);
    const server = readmeCommands().find((words) => words[0] === 'kassa-server' && words[1]?.startsWith('--'));
    expect(server).toEqual(expect.arrayContaining(['--trust-proxy', '--public-url']));
    expect(server?.[server.indexOf('--host') + 1]).toBe('127.0.0.1');
    expect(section).not.toContain('--host 0.0.0.0');
  });

  it('has run every command the section shows, with its flags', () => {
    const commands = readmeCommands();
    expect(commands.length).toBeGreaterThanOrEqual(9);
    for (const words of commands) {
      const wanted = shape(words);
      const match = ran.map(shape).find((done) => done.key === wanted.key && wanted.flags.every((flag) => done.flags.includes(flag)));
      expect(match, `README command not run by this test: ${words.join(' ')}`).toBeDefined();
    }
  });
});
