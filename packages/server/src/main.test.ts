import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256 } from './auth/tokens.js';
import { DEMO_FILE } from './demo.js';
import type { RunningServer } from './main.js';
import { findWebDist, startServer, WEB_DIST_CANDIDATES } from './main.js';
import type { SseClient } from './test-support/sse.js';
import { openSse } from './test-support/sse.js';

async function loginStatus(server: RunningServer, credentials: { username: string; password: string }): Promise<number> {
  const response = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  return response.status;
}

async function counts(server: RunningServer, cookie: string): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const path of ['users', 'journals', 'boxes', 'devices', 'payment-methods', 'pos-configs', 'products']) {
    const response = await fetch(`${server.url}/api/${path}`, { headers: { cookie } });
    result[path] = ((await response.json()) as { items: unknown[] }).items.length;
  }
  return result;
}

async function adminCookie(server: RunningServer): Promise<string> {
  const demo = server.demo;
  if (demo === undefined) throw new Error('no demo');
  const response = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(demo.admin),
  });
  return (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

describe('startServer with --demo on PGlite', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kassa-server-'));
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('seeds the demo once: a restart on the same data adds nothing and the credentials keep working', async () => {
    const first = await startServer({ port: 0, dataDir, demo: true, logLevel: 'silent', webDist: null });
    let before: Record<string, number>;
    try {
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(first.demo).toMatchObject({ admin: { username: 'admin' }, cashier: { username: 'cashier' }, terminalId: '12345678' });
      expect(await loginStatus(first, first.demo?.cashier ?? { username: '', password: '' })).toBe(200);
      before = await counts(first, await adminCookie(first));
      expect(before).toEqual({ users: 2, journals: 2, boxes: 1, devices: 1, 'payment-methods': 2, 'pos-configs': 1, products: 4 });
    } finally {
      await first.close();
    }
    expect(statSync(join(dataDir, DEMO_FILE)).mode & 0o777).toBe(0o600);

    let stream: SseClient | null = null;
    const second = await startServer({ port: 0, dataDir, demo: true, logLevel: 'silent', webDist: null });
    try {
      expect(second.demo).toEqual(first.demo);
      expect(await loginStatus(second, first.demo?.admin ?? { username: '', password: '' })).toBe(200);
      expect(await counts(second, await adminCookie(second))).toEqual(before);
      const boxes = (await (await fetch(`${second.url}/api/boxes`, { headers: { cookie: await adminCookie(second) } })).json()) as { items: { id: string }[] };
      expect(boxes.items[0]?.id).toBe(first.demo?.boxId);
      expect(first.demo?.boxToken.startsWith(`${first.demo.boxId}.`)).toBe(true);
      expect(sha256(first.demo?.boxToken ?? '')).toMatch(/^[0-9a-f]{64}$/);
      // An open event stream does not hold the shutdown up.
      stream = openSse(`${second.url}/api/events`, { cookie: await adminCookie(second) });
      expect(await stream.status).toBe(200);
    } finally {
      await second.close();
      stream?.close();
    }
  }, 120_000);
});

describe('findWebDist', () => {
  it("looks in the package's own web/ folder first, then in the web package's dist/", () => {
    expect(WEB_DIST_CANDIDATES[0]).toMatch(/[/\\]server[/\\]web$/);
    expect(WEB_DIST_CANDIDATES[1]).toMatch(/[/\\]web[/\\]dist$/);
  });

  it('takes the first folder that holds an index.html, and none when no folder does', () => {
    const root = mkdtempSync(join(tmpdir(), 'kassa-web-'));
    try {
      const [own, beside, empty] = ['own', 'beside', 'empty'].map((name) => join(root, name)) as [string, string, string];
      for (const dir of [own, beside, empty]) mkdirSync(dir);
      writeFileSync(join(beside, 'index.html'), '<!doctype html>');
      expect(findWebDist([own, beside])).toBe(beside);
      writeFileSync(join(own, 'index.html'), '<!doctype html>');
      expect(findWebDist([own, beside])).toBe(own);
      expect(findWebDist([empty])).toBeNull();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
