import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { transactionIdFromUuid, type BoxEvent } from '@kassa/contract';
import { buildBox, freeTcpPort, spawnBox, type ChildBox } from '../src/test-support/child-box.js';
import { FakeServer } from '../src/test-support/fake-server.js';
import { removeDir, tempDir } from '../src/test-support/harness.js';
import { RawTerminal } from '../src/test-support/raw-terminal.js';
import { waitFor, waitForAsync } from '../src/test-support/wait.js';
import type { BoxStatus } from '../src/http/status.js';

const TOKEN = 'test-token-123';
const TERMINAL = '50000010';
const children: ChildBox[] = [];
const terminals: RawTerminal[] = [];
let server: FakeServer | undefined;
let dataDir: string | undefined;

beforeAll(() => buildBox(), 120_000);

afterEach(async () => {
  for (const t of terminals.splice(0)) t.close();
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

/** A crash: no goodbye to the terminal, nothing journaled on the way out. */
async function kill(child: ChildBox): Promise<void> {
  child.process.kill('SIGKILL');
  await child.exited;
  children.splice(children.indexOf(child), 1);
}

async function hello(port: number): Promise<RawTerminal> {
  const t = await RawTerminal.hello(port, TERMINAL);
  terminals.push(t);
  return t;
}

async function transactionStatus(child: ChildBox): Promise<string | null | undefined> {
  const response = await fetch(`http://127.0.0.1:${child.httpPort}/status`);
  const status = (await response.json()) as BoxStatus;
  return status.terminals.find((t) => t.terminalId === TERMINAL)?.transaction?.status;
}

/** The events the server got about a payment that move its state, in the order it got them. */
function stateEvents(uuid: string): BoxEvent['kind'][] {
  const moving: readonly string[] = ['transactionSent', 'transactionStage', 'transactionUnknown', 'transactionResult', 'transactionNotRun'];
  return [...server!.events.values()]
    .map(({ event }) => event)
    .filter((e) => 'paymentUuid' in e && e.paymentUuid === uuid && moving.includes(e.kind))
    .map((e) => e.kind);
}

describe('a lost payment the terminal reports on again', () => {
  it('is resumed as a journaled fact: a box restarted by a crash reports it unknown again, so the server does not keep the stage', async () => {
    server = await FakeServer.start({ token: TOKEN });
    dataDir = tempDir();
    const port = await freeTcpPort();
    const first = await startChild(port);
    let t = await hello(port);
    const uuid = randomUUID();
    const transactionId = transactionIdFromUuid(uuid);
    server.command({ kind: 'startTransaction', paymentUuid: uuid, terminalId: TERMINAL, amountCents: 700 });
    await t.next('TransactionRequest');
    await waitFor(() => server!.eventsOf('transactionSent', uuid)[0], 'sent');

    // The answer is lost: the connection drops.
    t.close();
    await waitFor(() => server!.eventsOf('transactionUnknown', uuid)[0], 'unknown');

    // The terminal comes back and reports a stage of this very payment: it runs again, and the
    // server, told the stage, shows it waiting for the card.
    t = await hello(port);
    await t.next('LastTransactionRequest');
    t.send('TransactionResponse', { transactionId, transactionStage: 1 });
    await waitFor(() => server!.eventsOf('transactionStage', uuid)[0], 'the stage');
    expect(await transactionStatus(first)).toBe('sent');
    expect(stateEvents(uuid)).toEqual(['transactionSent', 'transactionUnknown', 'transactionStage']);

    // The box crashes and starts again: the payment was running, so its answer is lost once more,
    // and the server must hear it (not keep the stage as the last word).
    await kill(first);
    const second = await startChild(port);
    expect(await transactionStatus(second)).toBe('unknown');
    const again = await waitFor(() => server!.eventsOf('transactionUnknown', uuid)[1], 'unknown again after the restart');
    expect(again.reason).toContain('restarted');
    expect(stateEvents(uuid)).toEqual(['transactionSent', 'transactionUnknown', 'transactionStage', 'transactionUnknown']);

    // The terminal answers that it has no transaction: both sides hold the payment unknown.
    t.close();
    t = await hello(port);
    await t.next('LastTransactionRequest');
    t.send('LastTransactionResponse', { resultCode: 3 });
    await waitForAsync(async () => (await transactionStatus(second)) === 'unknown', 'still unknown');
    expect(stateEvents(uuid).at(-1)).toBe('transactionUnknown');
  });
});
