import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTerminal, type TerminalHandle } from '@kassa/terminal-sim';
import { buildBox, freeTcpPort, spawnBox, type ChildBox } from '../src/test-support/child-box.js';
import { FakeServer } from '../src/test-support/fake-server.js';
import { removeDir, tempDir } from '../src/test-support/harness.js';
import { waitFor, waitForAsync } from '../src/test-support/wait.js';
import type { BoxStatus } from '../src/http/status.js';

const TOKEN = 'test-token-123';
const children: ChildBox[] = [];
const terminals: TerminalHandle[] = [];
let server: FakeServer | undefined;
let dataDir: string | undefined;

beforeAll(() => buildBox(), 120_000);

afterEach(async () => {
  await Promise.all(terminals.splice(0).map((t) => t.close()));
  for (const child of children.splice(0)) {
    child.process.kill('SIGKILL');
    await child.exited;
  }
  await server?.close();
  if (dataDir) removeDir(dataDir);
});

async function startChild(port: number): Promise<ChildBox> {
  const child = await spawnBox(['--listen', `127.0.0.1:${port}`, '--server', server!.url, '--token', TOKEN, '--data', dataDir!]);
  children.push(child);
  return child;
}

async function kill(child: ChildBox): Promise<void> {
  child.process.kill('SIGKILL');
  await child.exited;
  children.splice(children.indexOf(child), 1);
}

async function status(child: ChildBox): Promise<BoxStatus> {
  const response = await fetch(`http://127.0.0.1:${child.httpPort}/status`);
  return (await response.json()) as BoxStatus;
}

function resultsFor(uuid: string): { ids: string[]; results: string[] } {
  const ids: string[] = [];
  const results: string[] = [];
  for (const { id, event } of server!.events.values()) {
    if (event.kind === 'transactionResult' && event.paymentUuid === uuid) {
      ids.push(id);
      results.push(event.result);
    }
  }
  return { ids, results };
}

describe('crash safety of a child-process box killed with SIGKILL', () => {
  it('after the request and before the result: on restart the box asks the terminal and reports its true result once', async () => {
    server = await FakeServer.start({ token: TOKEN });
    dataDir = tempDir();
    const port = await freeTcpPort();
    const first = await startChild(port);
    const t = startTerminal({
      box: `127.0.0.1:${port}`,
      terminalId: '60000001',
      scenario: 'approve',
      stageDelayMs: 5,
      manualKeys: true,
      reconnect: { initialMs: 50, maxMs: 200 },
    });
    terminals.push(t);
    await t.ready();
    await waitFor(() => server!.eventsOf('device').some((e) => e.device.terminalId === '60000001' && e.device.online), 'the terminal online');
    const uuid = randomUUID();
    server.command({ kind: 'startTransaction', paymentUuid: uuid, terminalId: '60000001', amountCents: 4321 });
    await waitFor(() => server!.eventsOf('transactionStage', uuid).some((e) => e.stage === 'WaitingForCard'), 'the terminal waiting for the card');
    await kill(first);

    // The customer finishes the payment while the box is down: the terminal's answer goes nowhere.
    await waitFor(() => {
      t.press('card');
      t.press('pin-ok');
      return t.ledger.length === 1;
    }, 'the payment to finish on the terminal');
    expect(t.ledger[0]).toMatchObject({ result: 'Approved', reportedToBox: false });

    const second = await startChild(port);
    await waitFor(() => resultsFor(uuid).ids.length > 0, 'the recovered result');
    const final = server.eventsOf('transactionResult', uuid)[0]!;
    expect(final).toMatchObject({ result: 'Approved', recovered: true, amountCents: 4321, authorisationCode: t.ledger[0]!.authorisationCode });
    expect(server.eventsOf('transactionUnknown', uuid).length).toBeGreaterThan(0);
    const after = await status(second);
    expect(after.terminals.find((x) => x.terminalId === '60000001')).toMatchObject({ state: 'idle', transaction: null });
    expect(resultsFor(uuid).ids).toHaveLength(1);
    expect(server.eventsOf('transactionNotRun', uuid)).toHaveLength(0);
  }, 60_000);

  it('after the result and before the ack: on restart the journaled result is sent again under the same id, so it counts once', async () => {
    server = await FakeServer.start({ token: TOKEN, autoAck: false });
    dataDir = tempDir();
    const port = await freeTcpPort();
    const first = await startChild(port);
    const t = startTerminal({
      box: `127.0.0.1:${port}`,
      terminalId: '60000002',
      scenario: 'approve',
      stageDelayMs: 5,
      reconnect: { initialMs: 50, maxMs: 200 },
    });
    terminals.push(t);
    await t.ready();
    await waitFor(() => server!.eventsOf('device').some((e) => e.device.terminalId === '60000002' && e.device.online), 'the terminal online');
    const uuid = randomUUID();
    server.command({ kind: 'startTransaction', paymentUuid: uuid, terminalId: '60000002', amountCents: 1000 });
    await waitFor(() => resultsFor(uuid).ids.length === 1, 'the live result');
    const [liveId] = resultsFor(uuid).ids;
    await kill(first);

    server.autoAck = true;
    const second = await startChild(port);
    await waitFor(() => server!.duplicates.includes(liveId!), 'the result sent again');
    expect(resultsFor(uuid)).toEqual({ ids: [liveId], results: ['Approved'] });
    expect(server.eventsOf('transactionUnknown', uuid)).toHaveLength(0);
    expect(t.ledger).toHaveLength(1);
    await waitForAsync(async () => (await status(second)).server.pendingEvents === 0, 'the outbox to drain');
  }, 60_000);

  it('stops gracefully on SIGTERM with exit code 0', async () => {
    server = await FakeServer.start({ token: TOKEN });
    dataDir = tempDir();
    const child = await startChild(await freeTcpPort());
    child.process.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    children.splice(children.indexOf(child), 1);
    expect(child.lines.some((l) => l.msg === 'box stopped')).toBe(true);
  }, 60_000);
});
