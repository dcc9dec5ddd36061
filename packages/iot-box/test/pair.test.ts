import { execFile, spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBox, CLI, spawnBox } from '../src/test-support/child-box.js';
import { writePairing } from '../src/pairing.js';
import { FakeServer } from '../src/test-support/fake-server.js';
import { waitFor } from '../src/test-support/wait.js';

beforeAll(() => buildBox(), 120_000);

function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  // Asynchronous: the fake server answers in this process.
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' }, timeout: 15_000 }, (error, stdout, stderr) => {
      resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

describe('kassa-iotbox pair', () => {
  const TOKEN = '0b9a7c4e-3f1d-4c2a-9e8b-5d6f7a8b9c0d.paired-token-abcdefghijklmnop';
  const dataDir = mkdtempSync(join(tmpdir(), 'kassa-pair-'));
  let server: FakeServer;
  beforeAll(async () => {
    server = await FakeServer.start({ token: TOKEN, pairingCode: '483-921', expiredCode: '111-222' });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exchanges the code for the token and stores it with the server URL, readable by its owner only', async () => {
    const result = await run(['pair', '--server', `http://127.0.0.1:${server.port}`, '--code', '483-921', '--data', dataDir]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('paired as box 0b9a7c4e-3f1d-4c2a-9e8b-5d6f7a8b9c0d');
    expect(result.stdout).not.toContain(TOKEN);
    const path = join(dataDir, 'pairing.json');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ server: `http://127.0.0.1:${server.port}`, token: TOKEN });
  });

  it.each([
    ['used', '483921', 'the code was already used by a box; show a new one in the back office (KASSA_PAIRING_CODE, used)'],
    [
      'wrong',
      '999-999',
      'the code is wrong: the server has no such code; check the six digits, or show a new code in the back office (KASSA_PAIRING_CODE, unknown)',
    ],
    ['expired', '111-222', 'the code has expired (a code works for ten minutes); show a new one in the back office (KASSA_PAIRING_CODE, expired)'],
  ])('says in one line that the code is %s, and exits 1', async (_, code, line) => {
    const result = await run(['pair', '--server', `http://127.0.0.1:${server.port}`, '--code', code, '--data', join(dataDir, 'other')]);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([`kassa-iotbox pair: ${line}`]);
  });

  it.runIf(process.getuid?.() === 0)("gives the stored pairing to the data folder's owner when root pairs into a service's folder", () => {
    const service = join(dataDir, 'service');
    mkdirSync(service);
    chownSync(service, 65_534, 65_534);
    const path = writePairing(service, { server: 'https://pos.example.be', token: TOKEN });
    expect(statSync(path)).toMatchObject({ uid: 65_534, gid: 65_534 });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('refuses a plain http server that is not on this machine, before sending anything (exit 2)', async () => {
    const result = await run(['pair', '--server', 'http://pos.example.be', '--code', '483-921', '--data', dataDir]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--insecure');
  });

  it('then starts with no server or token argument and dials the server with the stored token', async () => {
    const box = await spawnBox(['--listen', '127.0.0.1:0', '--data', dataDir]);
    try {
      await waitFor(() => server.hellos >= 1 || undefined, 'the box to say hello with the stored token');
      expect(server.refusedUpgrades).toBe(0);
    } finally {
      box.process.kill('SIGTERM');
      await box.exited;
    }
  });
});

/** An address of this machine that is not loopback: plain http to it needs --insecure. */
const networkAddress = Object.values(networkInterfaces())
  .flat()
  .find((address) => address !== undefined && address.family === 'IPv4' && !address.internal)?.address;

describe.runIf(networkAddress !== undefined)('kassa-iotbox pair --insecure, with a plain http server off loopback', () => {
  const TOKEN = '7c2e9a4b-1d3f-4e5a-8b6c-9d0e1f2a3b4c.insecure-token-abcdefghijklm';
  const dataDir = mkdtempSync(join(tmpdir(), 'kassa-pair-insecure-'));
  let server: FakeServer;
  beforeAll(async () => {
    server = await FakeServer.start({ token: TOKEN, pairingCode: '246-810', host: networkAddress });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps --insecure with the pairing, so the printed start command dials the server', async () => {
    const url = `http://${networkAddress}:${server.port}`;
    const paired = await run(['pair', '--server', url, '--code', '246-810', '--data', dataDir, '--insecure']);
    expect(paired.stderr).toBe('');
    const start = /^Start the box with: (kassa-iotbox .*)$/m.exec(paired.stdout)?.[1];
    expect(start).toBe(`kassa-iotbox --data ${dataDir}`);
    expect(JSON.parse(readFileSync(join(dataDir, 'pairing.json'), 'utf8'))).toEqual({ server: url, token: TOKEN, insecure: true });
    const box = await spawnBox(['--listen', '127.0.0.1:0', ...start!.split(' ').slice(1)]);
    try {
      await waitFor(() => server.hellos >= 1 || undefined, 'the box to say hello over plain http as paired');
    } finally {
      box.process.kill('SIGTERM');
      await box.exited;
    }
  });
});

describe('kassa-iotbox with a plain server URL', () => {
  it('refuses one that is not on loopback in one line with exit 2', () => {
    const result = spawnSync(process.execPath, [CLI, '--server', 'ws://10.0.0.5:8080', '--token', 'abcdefgh12'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
      timeout: 15_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      'kassa-iotbox: --server ws://10.0.0.5:8080 is not encrypted and not on this machine: use https:// (or wss://), or add --insecure (see --help)',
    ]);
  });
});
