// The release as an integrator gets it: `npm run release`, the tarballs installed together into an
// empty folder away from the repository (every engines range accepting this Node), and the issue's
// whole first day on the installed server, box and emulated terminal, driven over the HTTP API:
// an empty server, its first admin, a box paired by code, the terminal approved, a payment method
// and a POS, one card payment, the API reference and the metrics.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BINS = ['kassa-server', 'kassa-iotbox', 'kassa-terminal', 'kassa-tlv'] as const;
const PACKAGES = ['@kassa/contract', '@kassa/iot-box', '@kassa/protocol', '@kassa/server', '@kassa/terminal-sim'];

/** The environment of a person's shell: none of the npm variables of the `npm test` running this, no kassa settings. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|KASSA_|DATABASE_URL$|PORT$)/i.test(key)));
}

const work = mkdtempSync(join(tmpdir(), 'kassa-release-'));
const out = join(work, 'release');
const install = join(work, 'shop');
const children: ChildProcess[] = [];

/** A started command whose output lines can be awaited. */
interface Started {
  readonly child: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

function start(bin: (typeof BINS)[number], args: string[]): Started {
  const child = spawn(join(install, 'node_modules/.bin', bin), args, { cwd: install, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let text = '';
  const waiters = new Set<() => void>();
  const take = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    for (const check of waiters) check();
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  return {
    child,
    output: () => text,
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const match = pattern.exec(text);
          if (match === null) return;
          done();
          resolve(match);
        };
        const onExit = (code: number | null): void => {
          done();
          reject(new Error(`${bin} exited (${String(code)}) before printing ${String(pattern)}:\n${text}`));
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${bin} did not print ${String(pattern)} within ${timeoutMs} ms:\n${text}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
          child.off('exit', onExit);
        };
        waiters.add(check);
        child.once('exit', onExit);
        check();
      }),
  };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** A logged-in API caller: keeps the session cookie and sends the CSRF token with every write. */
async function login(base: string, username: string, password: string) {
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(response.status).toBe(200);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
    const headers: Record<string, string> = { cookie, 'x-csrf-token': csrfToken };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const answer = await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: answer.status, json: (await answer.json()) as Record<string, unknown> };
  };
}

async function eventually<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  // The release builds everything first; then npm fetches the third-party dependencies.
  await run(process.execPath, [join(ROOT, 'scripts/release.js'), '--out', out], { cwd: ROOT, env: cleanEnv(), timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
  mkdirSync(install);
  writeFileSync(join(install, 'package.json'), JSON.stringify({ name: 'a-shop', private: true }));
  const tarballs = readdirSync(out)
    .filter((name) => name.endsWith('.tgz'))
    .map((name) => join(out, name));
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], {
    cwd: install,
    env: cleanEnv(),
    timeout: 300_000,
    maxBuffer: 16 * 1024 * 1024,
  });
}, 600_000);

afterAll(async () => {
  await Promise.all(children.map(stop));
  rmSync(work, { recursive: true, force: true });
}, 60_000);

describe('npm run release, installed away from the repository', () => {
  it('writes one tarball per published package, each with its LICENSE, engines and no private flag', async () => {
    const names = readdirSync(out).sort();
    expect(names).toEqual([
      'kassa-contract-0.1.0.tgz',
      'kassa-iot-box-0.1.0.tgz',
      'kassa-protocol-0.1.0.tgz',
      'kassa-server-0.1.0.tgz',
      'kassa-terminal-sim-0.1.0.tgz',
    ]);
    for (const name of PACKAGES) {
      const dir = join(install, 'node_modules', name);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      expect(manifest).toMatchObject({ license: 'MIT', engines: { node: expect.any(String) } });
      expect(manifest['private']).toBeUndefined();
      expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toContain('MIT License');
      // The systemd units' Documentation= names this file in /opt/kassa/node_modules.
      expect(readFileSync(join(dir, 'README.md'), 'utf8')).toMatch(/^# /);
      expect(readdirSync(join(dir, 'dist'), { recursive: true, encoding: 'utf8' }).filter((file) => /\.test\.|test-support/.test(file))).toEqual([]);
    }
    // The web app travels inside the server's package.
    expect(readFileSync(join(install, 'node_modules/@kassa/server/web/index.html'), 'utf8')).toBe(
      readFileSync(join(ROOT, 'packages/web/dist/index.html'), 'utf8'),
    );
  });

  it('installs only packages whose engines accept this Node', () => {
    const refused: string[] = [];
    const visit = (modules: string): void => {
      if (!existsSync(modules)) return;
      for (const entry of readdirSync(modules)) {
        if (entry.startsWith('.')) continue;
        const names = entry.startsWith('@') ? readdirSync(join(modules, entry)).map((name) => join(entry, name)) : [entry];
        for (const name of names) {
          const manifest = join(modules, name, 'package.json');
          if (!existsSync(manifest)) continue;
          const { version, engines } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string; engines?: { node?: string } };
          const range = engines?.node;
          if (range !== undefined && !semver.satisfies(process.version, range)) refused.push(`${name}@${version} wants node ${range}`);
          visit(join(modules, name, 'node_modules'));
        }
      }
    };
    visit(join(install, 'node_modules'));
    expect(refused, `on ${process.version}`).toEqual([]);
  });

  it('gives bins that answer --version, --help and -h', async () => {
    for (const bin of BINS) {
      const version = await run(join(install, 'node_modules/.bin', bin), ['--version'], { cwd: install, env: cleanEnv() });
      expect(version.stdout).toMatch(new RegExp(`^${bin} \\d+\\.\\d+\\.\\d+\\n$`));
      for (const flag of ['--help', '-h']) {
        const help = await run(join(install, 'node_modules/.bin', bin), [flag], { cwd: install, env: cleanEnv() });
        expect(help.stdout, `${bin} ${flag}`).toContain(bin);
      }
    }
  }, 60_000);

  it('goes from an empty server to a card payment: first admin, a box paired by code, the terminal approved, a method and a POS, docs and metrics', async () => {
    const metricsToken = 'release-metrics-token-0123456789';
    const server = start('kassa-server', ['--port', '0', '--data', join(install, 'first-run'), '--metrics-token', metricsToken, '--log-level', 'warn']);
    const [, base, setupToken] = await server.waitFor(/(http:\/\/[^\s/]+)\/#\/setup\/([A-Za-z0-9_-]+)/, 120_000);
    expect(server.output()).not.toMatch(/admin:\s/);
    expect(await (await fetch(`${base}/api/setup`)).json()).toEqual({ needed: true });
    const refused = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'owner', password: 'the shop keeper secret' }),
    });
    expect(refused.status).toBe(409);
    const setup = await fetch(`${base}/api/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: setupToken, username: 'owner', password: 'the shop keeper secret' }),
    });
    expect(setup.status).toBe(200);
    const admin = await login(base!, 'owner', 'the shop keeper secret');

    // The box, paired by code; the code works once.
    const code = await admin('POST', '/api/boxes/pairing-codes', { name: 'Counter box' });
    expect(code.status).toBe(201);
    const boxData = join(install, 'first-run-box');
    const iotbox = join(install, 'node_modules/.bin/kassa-iotbox');
    const paired = await run(iotbox, ['pair', '--server', base!, '--code', String(code.json['code']), '--data', boxData], { cwd: install, env: cleanEnv() });
    expect(paired.stdout).toContain('paired as box');
    const again = await run(iotbox, ['pair', '--server', base!, '--code', String(code.json['code']), '--data', join(install, 'other-box')], {
      cwd: install,
      env: cleanEnv(),
    }).catch((error: { code: number; stderr: string }) => error);
    expect(again).toMatchObject({ code: 1, stderr: expect.stringContaining('already used') });
    const box = start('kassa-iotbox', ['--listen', '127.0.0.1:0', '--http', '127.0.0.1:0', '--data', boxData, '--log-level', 'info']);
    const [, started] = await box.waitFor(/^(\{.*"box started".*\})$/m);
    const { listen, http } = JSON.parse(started!) as { listen: { port: number }; http: { port: number } };
    await eventually('the paired box online', async () => {
      const { json } = await admin('GET', '/api/boxes');
      return (json['items'] as { name: string; online: boolean }[]).find((b) => b.name === 'Counter box' && b.online);
    });

    // The terminal dials the box and waits for an admin's approval.
    const terminal = start('kassa-terminal', [
      '--box',
      `127.0.0.1:${listen.port}`,
      '--terminal-id',
      '12345678',
      '--scenario',
      'approve',
      '--stage-delay',
      '20',
    ]);
    await terminal.waitFor(/connected/);
    const device = await eventually('the terminal in the devices, new', async () => {
      const { json } = await admin('GET', '/api/devices');
      return (json['items'] as { id: number; terminalId: string; online: boolean; approval: string }[]).find((d) => d.terminalId === '12345678' && d.online);
    });
    expect(device.approval).toBe('new');
    expect((await admin('POST', `/api/devices/${device.id}/approve`)).json).toMatchObject({ approval: 'approved' });

    // Ingenico on, a bank journal, the card method on the terminal, a POS with it, a product.
    expect((await admin('PATCH', '/api/company', { name: 'Frituur Release', country: 'BE', ingenicoEnabled: true })).status).toBe(200);
    const journal = await admin('POST', '/api/journals', { name: 'Bank', type: 'bank' });
    expect(journal.status).toBe(201);
    const method = await admin('POST', '/api/payment-methods', {
      name: 'Card',
      kind: 'bank',
      journalId: journal.json['id'],
      terminal: 'ingenico',
      deviceId: device.id,
    });
    expect(method.status).toBe(201);
    const pos = await admin('POST', '/api/pos-configs', { name: 'Counter', paymentMethodIds: [method.json['id']] });
    expect(pos.status).toBe(201);
    const product = await admin('POST', '/api/products', { name: 'Fries', priceCents: 450, vatRate: 6 });
    expect(product.status).toBe(201);

    // One card payment at the till (an admin may sell, as a manager may).
    const session = await admin('POST', '/api/sessions', { posConfigId: pos.json['id'], openingCashCents: 5000 });
    expect(session.status).toBe(201);
    const order = randomUUID();
    const created = await admin('PUT', `/api/orders/${order}`, { sessionId: session.json['id'], lines: [{ productId: product.json['id'], quantity: 2 }] });
    expect(created.status).toBe(201);
    const payment = randomUUID();
    const requested = await admin('PUT', `/api/payments/${payment}`, {
      orderId: order,
      paymentMethodId: method.json['id'],
      amountCents: created.json['totalCents'],
    });
    expect(requested.status).toBe(201);
    const done = await eventually('the payment done', async () => {
      const { json } = await admin('GET', `/api/payments/${payment}`);
      return (json['payment'] as { state: string }).state === 'done' ? json : undefined;
    });
    expect((done['history'] as unknown[]).length).toBeGreaterThan(2);
    expect((await admin('POST', `/api/orders/${order}/validate`)).status).toBe(200);

    // The API reference, the metrics of the server (token) and of the box, the web app.
    const docs = await fetch(`${base}/api/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const serverMetrics = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).text();
    expect(serverMetrics).toContain('kassa_boxes_connected 1');
    expect(serverMetrics).toContain('kassa_payments{state="done",method="Card"} 1');
    const boxMetrics = await (await fetch(`http://127.0.0.1:${http.port}/metrics`)).text();
    expect(boxMetrics).toContain('kassa_box_uplink_state{state="ready"} 1');
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(readFileSync(join(ROOT, 'packages/web/dist/index.html'), 'utf8'));
  }, 240_000);
});
