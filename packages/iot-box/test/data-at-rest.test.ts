import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BOX_ID_FILE, loadOrCreateBoxId } from '../src/box-id.js';
import { Journal } from '../src/journal/journal.js';
import { buildBox, freeTcpPort, spawnBox, type ChildBox } from '../src/test-support/child-box.js';
import { FakeServer } from '../src/test-support/fake-server.js';
import { removeDir, tempDir } from '../src/test-support/harness.js';

const mode = (path: string): number => statSync(path).mode & 0o777;

/** Every entry under `dir` with its mode, folders included. */
function modes(dir: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    found.set(path, mode(path));
  }
  return found;
}

const dirs: string[] = [];
const children: ChildBox[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    child.process.kill('SIGKILL');
    await child.exited;
  }
  for (const dir of dirs.splice(0)) removeDir(dir);
});

function scratch(): string {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
}

describe('the box data folder', () => {
  it('is created 0700, with the box id and journal 0600, whatever the umask', () => {
    const dataDir = join(scratch(), 'data', 'iot-box');
    loadOrCreateBoxId(dataDir);
    const { journal } = Journal.open(dataDir);
    void journal.close();
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, '..'))).toBe(0o700);
    expect(mode(join(dataDir, BOX_ID_FILE))).toBe(0o600);
    expect(mode(journal.path)).toBe(0o600);
  });

  it('takes group and other rights off a folder and files made by an earlier version', () => {
    const dataDir = scratch();
    chmodSync(dataDir, 0o755);
    const first = loadOrCreateBoxId(dataDir);
    const { journal } = Journal.open(dataDir);
    void journal.close();
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, BOX_ID_FILE), 0o644);
    chmodSync(journal.path, 0o644);
    expect(loadOrCreateBoxId(dataDir)).toBe(first);
    const again = Journal.open(dataDir);
    void again.journal.close();
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, BOX_ID_FILE))).toBe(0o600);
    expect(mode(journal.path)).toBe(0o600);
  });

  it('keeps a damaged journal tail readable by the owner only', () => {
    const dataDir = scratch();
    mkdirSync(dataDir, { recursive: true });
    const { journal } = Journal.open(dataDir);
    void journal.close();
    writeFileSync(journal.path, '{"torn', { flag: 'a' });
    const again = Journal.open(dataDir);
    void again.journal.close();
    expect(again.tornTail).toBe(true);
    expect(readdirSync(dataDir).some((name) => name.includes('.damaged-'))).toBe(true);
    for (const [path, found] of modes(dataDir)) expect([path, found]).toEqual([path, 0o600]);
  });
});

describe('kassa-iotbox', () => {
  beforeAll(() => buildBox(), 120_000);

  it('runs with umask 077: nothing it creates under its data folder is readable by others', async () => {
    const server = await FakeServer.start({ token: 'test-token-123' });
    try {
      const dataDir = join(scratch(), 'box');
      children.push(await spawnBox(['--listen', `127.0.0.1:${await freeTcpPort()}`, '--server', server.url, '--token', 'test-token-123', '--data', dataDir]));
      expect(mode(dataDir)).toBe(0o700);
      const found = modes(dataDir);
      expect(found.size).toBeGreaterThan(1);
      for (const [path, m] of found) expect([path, m & 0o077]).toEqual([path, 0]);
    } finally {
      await server.close();
    }
  });
});
