import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTerminal, type TerminalHandle } from '@kassa/terminal-sim';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fuzzBox } from '../src/box-fuzz.js';
import { BOX_BIN, freePort, httpOk, ManagedProcess, waitUntil } from '../src/processes.js';
import { ensureBuilt } from '../src/test-support/build.js';
import { UplinkStub } from '../src/uplink-stub.js';

const TOKEN = 'box-test-token-0123456789';
const cleanups: (() => Promise<void>)[] = [];

beforeAll(() => ensureBuilt('iot-box'), 120_000);

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startChildBox(options: { server?: string; allow?: string }): Promise<{ box: ManagedProcess; port: number; httpPort: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'kassa-chaos-box-'));
  const port = await freePort();
  const httpPort = await freePort();
  const box = new ManagedProcess({
    name: 'box',
    bin: BOX_BIN,
    args: [
      '--listen',
      `127.0.0.1:${port}`,
      '--http',
      `127.0.0.1:${httpPort}`,
      '--data',
      join(dir, 'box'),
      '--log-level',
      'warn',
      ...(options.server ? ['--server', options.server] : []),
      ...(options.allow ? ['--allow', options.allow] : []),
    ],
    env: options.server ? { KASSA_BOX_TOKEN: TOKEN } : {},
    logFile: join(dir, 'box.log'),
    ready: () => httpOk(`http://127.0.0.1:${httpPort}/healthz`),
  });
  await box.start(60_000);
  cleanups.push(async () => {
    await box.stop();
    await box.closeLog();
    rmSync(dir, { recursive: true, force: true });
  });
  return { box, port, httpPort };
}

function terminal(port: number, terminalId: string): TerminalHandle {
  const t = startTerminal({ box: { host: '127.0.0.1', port }, terminalId, scenario: 'approve', stageDelayMs: 2, reconnect: { initialMs: 50, maxMs: 200 } });
  t.events.on('error', () => undefined);
  cleanups.push(() => t.close());
  return t;
}

describe('port 9000 fuzz', () => {
  it('keeps the box up and every healthy terminal paid while junk frames arrive from many connections', async () => {
    const report = await fuzzBox({ frames: 30_000, connections: 8, terminals: 3, seed: 3, framesPerConnection: 100 });
    expect(report.boxAlive).toBe(true);
    expect(report.frames).toBe(30_000);
    expect(report.transactions).toBeGreaterThan(0);
    expect(report.lost).toBe(0);
    // Junk must not pile up in memory: the box's RSS stays within a generous bound of where it began.
    expect(report.rssMaxMB).toBeLessThan(report.rssStartMB + 150);
  }, 90_000);
});

describe('the box allowlist (--allow)', () => {
  it('closes a connection from an address outside the list before any hello, and greets one inside it', async () => {
    const outside = await startChildBox({ allow: '10.0.0.0/8' });
    const refused = terminal(outside.port, '81000001');
    await new Promise<void>((resolve) => refused.events.once('disconnected', () => resolve()));
    expect(refused.isConnected).toBe(false);
    const status = (await (await fetch(`http://127.0.0.1:${outside.httpPort}/status`)).json()) as { terminals: unknown[] };
    expect(status.terminals).toEqual([]);

    const inside = await startChildBox({ allow: '10.0.0.0/8,127.0.0.1' });
    const greeted = terminal(inside.port, '81000002');
    await greeted.ready();
    expect(greeted.isConnected).toBe(true);
  }, 90_000);
});

describe('box uplink fuzz (server to box)', () => {
  it('survives malformed server messages and starts a replayed command only once', async () => {
    const stub = await UplinkStub.start(TOKEN);
    cleanups.push(() => stub.close());
    const { box, port } = await startChildBox({ server: stub.url });
    await waitUntil('the box to link', () => stub.connected, 30_000);
    const t = terminal(port, '82000001');
    await t.ready();
    const hostile = [
      'not json',
      '{"type":"command"}',
      '{"type":"command","commandId":-1,"command":{"kind":"startTransaction"}}',
      JSON.stringify({
        type: 'command',
        commandId: 900,
        command: { kind: 'startTransaction', paymentUuid: 'not-a-uuid', terminalId: '82000001', amountCents: 100 },
      }),
      JSON.stringify({
        type: 'command',
        commandId: 901,
        command: { kind: 'startTransaction', paymentUuid: randomUUID(), terminalId: '82000001', amountCents: -5 },
      }),
      JSON.stringify({
        type: 'command',
        commandId: 902,
        command: { kind: 'startTransaction', paymentUuid: randomUUID(), terminalId: '82000001', amountCents: 2 ** 53 },
      }),
      JSON.stringify({ type: 'command', commandId: 903, command: { kind: 'launchMissiles' } }),
      JSON.stringify({ type: 'ack', ids: [] }),
      JSON.stringify({ type: 'ack', ids: ['x'.repeat(10_000)] }),
      JSON.stringify({ type: 'welcome', version: 999, boxId: 'x', name: 'again' }),
      JSON.stringify({ type: 'error', code: 'X', message: 'y' }),
      `{"type":"ack","ids":[${'['.repeat(2000)}${']'.repeat(2000)}]}`,
      'x'.repeat(1_500_000),
    ];
    for (const text of hostile) stub.sendRaw(text);
    const paymentUuid = randomUUID();
    const command = { kind: 'startTransaction', paymentUuid, terminalId: '82000001', amountCents: 1234 } as const;
    // The same command three times under its id (and again after every reconnect until the box
    // confirms it), then under new ids: one transaction on the terminal.
    for (let i = 0; i < 3; i++) stub.command(command, 1000);
    await waitUntil('the box to confirm the command', () => stub.received.has(1000), 60_000);
    stub.command(command, 1001);
    const final = await stub.final(paymentUuid);
    expect(final).toMatchObject({ kind: 'transactionResult', result: 'Approved', amountCents: 1234 });
    stub.command(command, 1002);
    await waitUntil('the replays to be confirmed', () => stub.received.has(1001) && stub.received.has(1002), 60_000);
    expect(t.ledger.filter((e) => e.amountCents === 1234)).toHaveLength(1);
    expect(t.ledger.every((e) => e.amountCents === 1234)).toBe(true);
    expect(box.unexpectedExits).toEqual([]);
  }, 90_000);
});
