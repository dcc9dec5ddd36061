// The systemd units under deploy/: they pass `systemd-analyze verify`, keep their sandbox, and the
// server and the box accept the environment they give (with the example environment files their
// comments show), so the service starts instead of restarting forever. The nginx example has its
// own test (nginx.test.ts).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig, writePairing } from '@kassa/iot-box';
import { parseCli } from '@kassa/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEPLOY = join(ROOT, 'deploy/');
const INSTALLED_BIN = '/opt/kassa/node_modules/.bin';

function hasSystemdAnalyze(): boolean {
  return spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' }).status === 0;
}

const SANDBOX = [
  'DynamicUser=yes',
  'UMask=0077',
  'Restart=on-failure',
  'ProtectSystem=strict',
  'ProtectHome=yes',
  'PrivateTmp=yes',
  'PrivateDevices=yes',
  'NoNewPrivileges=yes',
  'CapabilityBoundingSet=',
  'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX',
  'SystemCallFilter=@system-service',
  'RestrictNamespaces=yes',
  'LockPersonality=yes',
];

describe('deploy/systemd', () => {
  const work = mkdtempSync(join(tmpdir(), 'kassa-units-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const units = [
    { name: 'kassa-server', bin: 'kassa-server', state: 'kassa', env: '/etc/kassa/server.env', pkg: 'server' },
    { name: 'kassa-iotbox', bin: 'kassa-iotbox', state: 'kassa-iotbox', env: '/etc/kassa/iotbox.env', pkg: 'iot-box' },
  ];
  for (const unit of units) {
    const text = readFileSync(join(DEPLOY, 'systemd', `${unit.name}.service`), 'utf8');
    const lines = new Set(text.split('\n').map((line) => line.trim()));

    it(`${unit.name}.service runs the installed bin as a dynamic user in its sandbox, with its state directory and environment file`, () => {
      expect(lines).toContain(`ExecStart=${INSTALLED_BIN}/${unit.bin}`);
      expect(lines).toContain(`StateDirectory=${unit.state}`);
      expect(lines).toContain(`EnvironmentFile=-${unit.env}`);
      for (const line of SANDBOX) expect(lines, line).toContain(line);
    });

    it(`${unit.name}.service documents itself with the README the installed package carries`, () => {
      const documentation = [...lines].filter((line) => line.startsWith('Documentation='));
      expect(documentation).toEqual([`Documentation=file:/opt/kassa/node_modules/@kassa/${unit.pkg}/README.md`]);
      // npm packs every package's README.md; the release test reads it in the installed folder.
      expect(readFileSync(join(ROOT, 'packages', unit.pkg, 'README.md'), 'utf8')).toMatch(/^# /);
    });

    it(`${unit.name}.service passes systemd-analyze verify without a warning`, () => {
      // CI installs systemd-analyze (.ci/run); a machine without systemd checks the lines above only.
      if (!hasSystemdAnalyze()) {
        expect(process.env['CI'], 'systemd-analyze is missing (apt-get install systemd)').toBeUndefined();
        return;
      }
      // verify checks that ExecStart exists: point it at a stand-in for the installed command.
      const bin = join(work, 'bin');
      mkdirSync(bin, { recursive: true });
      writeFileSync(join(bin, unit.bin), '#!/bin/sh\n');
      chmodSync(join(bin, unit.bin), 0o755);
      const copy = join(work, `${unit.name}.service`);
      writeFileSync(copy, text.replaceAll(INSTALLED_BIN, bin));
      const result = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8', timeout: 60_000 });
      expect(result.status, result.stderr).toBe(0);
      expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
    });
  }

  it('the check finds a mistake: systemd-analyze warns about an unknown key', () => {
    if (!hasSystemdAnalyze()) return;
    const copy = join(work, 'broken.service');
    writeFileSync(copy, '[Service]\nExecStart=/bin/true\nProtectSystm=strict\n');
    const result = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr).toContain("Unknown key 'ProtectSystm'");
  });
});

/** The unit's `Environment=` lines, as systemd gives them to the service. */
function unitEnvironment(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [, name = '', value = ''] of text.matchAll(/^Environment=([A-Za-z_][A-Za-z0-9_]*)=(.*)$/gm)) env[name] = value;
  return env;
}

/** The example environment file the unit's comments show (`#   NAME=value` lines). */
function exampleEnvironmentFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [, name = '', value = ''] of text.matchAll(/^#\s+([A-Z][A-Z0-9_]*)=(\S+)$/gm)) env[name] = value;
  return env;
}

const unitText = (name: string): string => readFileSync(join(DEPLOY, 'systemd', `${name}.service`), 'utf8');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts a bin with an environment, waits until `ready` answers, stops it; returns its output if it exited first. */
async function startBriefly(bin: string, env: Record<string, string>, ready: () => Promise<boolean>): Promise<{ started: boolean; output: string }> {
  const child = spawn(process.execPath, [bin], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const until = Date.now() + 60_000;
  let started = false;
  while (!started && child.exitCode === null && Date.now() < until) {
    started = await ready().catch(() => false);
    if (!started) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (child.exitCode === null) child.kill('SIGTERM');
  await exited;
  return { started, output };
}

describe('the units start their programs with the environment they set', () => {
  const work = mkdtempSync(join(tmpdir(), 'kassa-unit-env-'));
  beforeAll(() => {
    execFileSync('npx', ['tsc', '-b', 'packages/server', 'packages/iot-box'], { cwd: ROOT, stdio: 'pipe' });
  }, 300_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const server = unitText('kassa-server');
  const box = unitText('kassa-iotbox');

  it('kassa-server.service: its variables and the example server.env are accepted by the server', () => {
    const env = { ...unitEnvironment(server), ...exampleEnvironmentFile(server) };
    expect(Object.keys(exampleEnvironmentFile(server))).toEqual(expect.arrayContaining(['KASSA_PUBLIC_URL', 'DATABASE_URL']));
    const command = parseCli([], env);
    expect(command).toMatchObject({
      kind: 'run',
      options: { host: '127.0.0.1', port: 8080, dataDir: '/var/lib/kassa', trustProxy: ['127.0.0.1'], publicUrl: 'https://pos.example.com' },
    });
  });

  it('kassa-server.service: the server starts with its variables (on a temporary folder and port) and stays up', async () => {
    const port = await freePort();
    const env = { ...unitEnvironment(server), KASSA_DATA: join(work, 'server'), PORT: String(port) };
    const result = await startBriefly(
      join(ROOT, 'packages/server/bin/kassa-server.js'),
      env,
      async () => (await fetch(`http://127.0.0.1:${port}/api/healthz`)).ok,
    );
    expect(result.started, result.output).toBe(true);
  }, 90_000);

  it('kassa-iotbox.service: a box paired into its state directory starts with no token anywhere', () => {
    const env = unitEnvironment(box);
    const examples = exampleEnvironmentFile(box);
    const { KASSA_BOX_SERVER: _server, KASSA_BOX_TOKEN: _token, ...settings } = examples;
    const pairedInto: string[] = [];
    const parsed = parseConfig([], { ...env, ...settings }, (dataDir) => {
      pairedInto.push(dataDir);
      return { server: 'https://pos.example.com', token: '0b6c5f3e-8d2a-4c1e-9f7a-3e5d2c1b0a99.abcdefghijklmnopqrstu' };
    });
    expect(pairedInto).toEqual(['/var/lib/kassa-iotbox']);
    expect(box).toContain('StateDirectory=kassa-iotbox');
    expect(box).toContain('kassa-iotbox pair --server https://pos.example.com --code 483-921 --data /var/lib/kassa-iotbox');
    expect(parsed).toMatchObject({ kind: 'run', config: { server: 'https://pos.example.com', dataDir: '/var/lib/kassa-iotbox', listen: { port: 9000 } } });
  });

  it('kassa-iotbox.service: the token flow of the example iotbox.env is accepted too', () => {
    const env = { ...unitEnvironment(box), ...exampleEnvironmentFile(box) };
    expect(env['KASSA_BOX_TOKEN']).toBeDefined();
    expect(parseConfig([], env, () => null)).toMatchObject({ kind: 'run', config: { server: 'https://pos.example.com', token: env['KASSA_BOX_TOKEN'] } });
  });

  it('kassa-iotbox.service: the box starts with its variables on a paired data folder (temporary folder and ports)', async () => {
    const data = join(work, 'box');
    writePairing(data, { server: 'https://127.0.0.1:1', token: '0b6c5f3e-8d2a-4c1e-9f7a-3e5d2c1b0a99.abcdefghijklmnopqrstu' });
    const http = await freePort();
    const env = { ...unitEnvironment(box), KASSA_BOX_DATA: data, KASSA_BOX_LISTEN: '127.0.0.1:0', KASSA_BOX_HTTP: `127.0.0.1:${http}` };
    const result = await startBriefly(
      join(ROOT, 'packages/iot-box/bin/kassa-iotbox.js'),
      env,
      async () => (await fetch(`http://127.0.0.1:${http}/healthz`)).ok,
    );
    expect(result.started, result.output).toBe(true);
  }, 90_000);
});
