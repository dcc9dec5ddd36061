import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startTerminal, type ScenarioName, type TerminalHandle } from '@kassa/terminal-sim';
import type { BoxCommand, BoxEvent } from '@kassa/contract';
import { FakeServer } from '../src/test-support/fake-server.js';
import { startTestBox, tempDir } from '../src/test-support/harness.js';
import { waitFor } from '../src/test-support/wait.js';
import type { Box } from '../src/box.js';

const TOKEN = 'test-token-123';
let box: (Box & { port: number }) | undefined;
let server: FakeServer | undefined;
const terminals: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(terminals.splice(0).map((t) => t.close()));
  await box?.close();
  await server?.close();
  box = undefined;
  server = undefined;
});

async function setup(dataDir?: string): Promise<void> {
  server = await FakeServer.start({ token: TOKEN });
  box = await startTestBox({ server: server.url, token: TOKEN, ...(dataDir !== undefined ? { dataDir } : {}) });
  await waitFor(() => server!.hellos > 0, 'the box hello');
}

async function terminal(terminalId: string, scenario: ScenarioName, manualKeys = false): Promise<TerminalHandle> {
  const t = startTerminal({ box: `127.0.0.1:${box!.port}`, terminalId, scenario, stageDelayMs: 5, manualKeys, reconnect: { initialMs: 20, maxMs: 200 } });
  terminals.push(t);
  await t.ready();
  await waitFor(() => box!.registry.get(terminalId)?.online, `${terminalId} online on the box`);
  return t;
}

function refund(
  terminalId: string,
  amountCents: number,
  extra: Partial<Extract<BoxCommand, { kind: 'startTransaction' }>> = {},
  paymentUuid = randomUUID(),
): string {
  server!.command({ kind: 'startTransaction', paymentUuid, terminalId, amountCents, transactionKind: 'refund', ...extra });
  return paymentUuid;
}

async function finalOf(paymentUuid: string): Promise<BoxEvent> {
  return waitFor(
    () => server!.eventsOf('transactionResult', paymentUuid)[0] ?? server!.eventsOf('transactionNotRun', paymentUuid)[0],
    `the final event of ${paymentUuid}`,
  );
}

describe('a refund through the box', () => {
  it('sends TransactionType 20 by default; the terminal runs a refund and the box reports its result', async () => {
    await setup();
    const t = await terminal('73000001', 'approve');
    const uuid = refund('73000001', 750);
    const final = await finalOf(uuid);
    expect(final).toMatchObject({ kind: 'transactionResult', result: 'Approved', amountCents: 750 });
    expect(t.ledger.map((e) => [e.kind, e.signedCents, e.result])).toEqual([['refund', -750, 'Approved']]);
  });

  it('a purchase without a kind sends no TransactionType and stays a purchase', async () => {
    await setup();
    const t = await terminal('73000002', 'approve');
    const uuid = randomUUID();
    server!.command({ kind: 'startTransaction', paymentUuid: uuid, terminalId: '73000002', amountCents: 300 });
    await finalOf(uuid);
    expect(t.ledger.map((e) => e.kind)).toEqual(['purchase']);
  });

  it('sends the TransactionType the command names (a payment-method setting)', async () => {
    await setup();
    const t = await terminal('73000003', 'approve');
    // 09 (purchase with cashback) is not emulated: the terminal answers Error, which proves the byte left as given.
    const uuid = refund('73000003', 300, { transactionType: '09' });
    const final = await finalOf(uuid);
    expect(final).toMatchObject({ kind: 'transactionResult', result: 'Error' });
    expect(t.ledger).toEqual([]);
  });

  it('reports a terminal whose contract has no refunds as an Error result, settled', async () => {
    await setup();
    const t = await terminal('73000004', 'refund-refused');
    const uuid = refund('73000004', 500);
    expect(await finalOf(uuid)).toMatchObject({ kind: 'transactionResult', result: 'Error' });
    expect(t.ledger.map((e) => [e.kind, e.result])).toEqual([['refund', 'Error']]);
  });

  it('is idempotent by UUID: the same refund three times runs once; the same UUID as a purchase is a mismatch', async () => {
    await setup();
    const t = await terminal('73000005', 'approve');
    const uuid = randomUUID();
    for (let i = 0; i < 3; i += 1) refund('73000005', 900, {}, uuid);
    await finalOf(uuid);
    server!.command({ kind: 'startTransaction', paymentUuid: uuid, terminalId: '73000005', amountCents: 900 });
    await waitFor(() => server!.eventsOf('commandRefused').some((e) => e.code === 'PAYMENT_MISMATCH'), 'the mismatch');
    expect(t.ledger.map((e) => e.kind)).toEqual(['refund']);
    expect(server!.eventsOf('transactionResult', uuid)).toHaveLength(1);
  });

  it('can be cancelled before the card like a payment', async () => {
    await setup();
    const t = await terminal('73000006', 'approve', true);
    const uuid = refund('73000006', 400);
    await waitFor(() => server!.eventsOf('transactionStage', uuid).some((e) => e.stage === 'WaitingForCard'), 'waiting for the card');
    server!.command({ kind: 'cancelTransaction', paymentUuid: uuid, terminalId: '73000006' });
    expect(await finalOf(uuid)).toMatchObject({ kind: 'transactionResult', result: 'Stopped' });
    expect(t.ledger.map((e) => [e.kind, e.result])).toEqual([['refund', 'Stopped']]);
  });

  it('recovers a refund whose answer was lost (disconnect-after-card) from LastTransaction', async () => {
    await setup();
    const t = await terminal('73000007', 'disconnect-after-card');
    const uuid = refund('73000007', 650);
    const final = await finalOf(uuid);
    expect(final).toMatchObject({ kind: 'transactionResult', result: 'Approved', recovered: true, amountCents: 650 });
    expect(t.ledger.map((e) => [e.kind, e.result, e.reportedToBox])).toEqual([['refund', 'Approved', false]]);
  });

  it('keeps the kind across a restart: the journal remembers a refund', async () => {
    const dataDir = tempDir();
    await setup(dataDir);
    const t = await terminal('73000008', 'approve');
    const uuid = refund('73000008', 120);
    await finalOf(uuid);
    await box!.close();
    const hellos = server!.hellos;
    box = await startTestBox({ dataDir, server: server!.url, token: TOKEN });
    await waitFor(() => server!.hellos > hellos, 'the hello after the restart');
    // The same UUID as a purchase after the restart is still a mismatch: the kind was journaled.
    server!.command({ kind: 'startTransaction', paymentUuid: uuid, terminalId: '73000008', amountCents: 120 });
    await waitFor(() => server!.eventsOf('commandRefused').some((e) => e.code === 'PAYMENT_MISMATCH'), 'the mismatch after restart');
    expect(t.ledger.map((e) => e.kind)).toEqual(['refund']);
  });
});
