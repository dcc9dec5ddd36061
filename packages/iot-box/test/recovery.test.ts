import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { transactionIdFromUuid } from '@kassa/contract';
import { isTyped } from '@kassa/protocol';
import { FakeServer } from '../src/test-support/fake-server.js';
import { startTestBox, tempDir } from '../src/test-support/harness.js';
import { RawTerminal } from '../src/test-support/raw-terminal.js';
import { waitFor } from '../src/test-support/wait.js';
import type { Box } from '../src/box.js';

const TOKEN = 'test-token-123';
let box: (Box & { port: number }) | undefined;
let server: FakeServer | undefined;
const terminals: RawTerminal[] = [];

afterEach(async () => {
  for (const t of terminals.splice(0)) t.close();
  await box?.close();
  await server?.close();
  box = undefined;
});

async function hello(id: string): Promise<RawTerminal> {
  const t = await RawTerminal.hello(box!.port, id);
  terminals.push(t);
  return t;
}

/** Starts a payment on a raw terminal, then restarts the box on the same data before any answer. */
async function paymentLostInRestart(terminalId: string): Promise<{ uuid: string; dataDir: string }> {
  server = await FakeServer.start({ token: TOKEN });
  const dataDir = tempDir();
  box = await startTestBox({ dataDir, server: server.url, token: TOKEN });
  const t = await hello(terminalId);
  const uuid = randomUUID();
  server.command({ kind: 'startTransaction', paymentUuid: uuid, terminalId, amountCents: 700 });
  const request = await t.next('TransactionRequest');
  expect(isTyped(request) && request.body.transactionId).toBe(transactionIdFromUuid(uuid));
  await box.close();
  t.close();
  box = await startTestBox({ dataDir, server: server.url, token: TOKEN });
  await waitFor(() => server!.eventsOf('transactionUnknown', uuid)[0], 'the unknown event');
  return { uuid, dataDir };
}

describe('recovery through LastTransactionRequest', () => {
  it('settles as not run when the terminal says its last transaction is another one', async () => {
    const { uuid } = await paymentLostInRestart('50000001');
    const t = await hello('50000001');
    const ask = await t.next('LastTransactionRequest');
    expect(isTyped(ask) && ask.body.transactionId).toBe(transactionIdFromUuid(uuid));
    t.send('LastTransactionResponse', { resultCode: 0, transactionId: 42n, transactionResult: 0 });
    const notRun = await waitFor(() => server!.eventsOf('transactionNotRun', uuid)[0], 'not run');
    expect(notRun.reason).toContain('42');
    expect(server!.eventsOf('transactionResult', uuid)).toHaveLength(0);
    expect(box!.registry.get('50000001')?.state).toBe('idle');
  });

  it('settles with the recovered result when the terminal names this transaction', async () => {
    const { uuid } = await paymentLostInRestart('50000002');
    const t = await hello('50000002');
    await t.next('LastTransactionRequest');
    t.send('LastTransactionResponse', {
      resultCode: 0,
      transactionId: transactionIdFromUuid(uuid),
      transactionResult: 2,
      transactionData: { amount: 700 },
      tickets: [{ ticketType: 1, ticketBody: 'DECLINED' }],
    });
    const result = await waitFor(() => server!.eventsOf('transactionResult', uuid)[0], 'the result');
    expect(result).toMatchObject({
      result: 'Declined',
      recovered: true,
      amountCents: 700,
      tickets: [{ type: 1, text: 'DECLINED', header: null, footer: null }],
    });
  });

  it('stays unknown, without a guess, when the answer names no transaction; a recover command asks again', async () => {
    const { uuid } = await paymentLostInRestart('50000003');
    const t = await hello('50000003');
    await t.next('LastTransactionRequest');
    t.send('LastTransactionResponse', { resultCode: 3 });
    await waitFor(() => box!.status().terminals[0]?.transaction?.status === 'unknown', 'still unknown');
    server!.command({ kind: 'startTransaction', paymentUuid: randomUUID(), terminalId: '50000003', amountCents: 100 });
    await waitFor(() => server!.eventsOf('commandRefused').find((e) => e.code === 'TERMINAL_BUSY'), 'a busy refusal');
    server!.command({ kind: 'recoverTransaction', paymentUuid: uuid, terminalId: '50000003' });
    await t.next('LastTransactionRequest');
    t.send('LastTransactionResponse', { resultCode: 0, transactionId: transactionIdFromUuid(uuid), transactionResult: 0 });
    expect(await waitFor(() => server!.eventsOf('transactionResult', uuid)[0], 'the result')).toMatchObject({ result: 'Approved', recovered: true });
    expect(server!.eventsOf('transactionNotRun', uuid)).toHaveLength(0);
  });

  it('goes on with the payment when the terminal is still running it after a reconnect', async () => {
    const { uuid } = await paymentLostInRestart('50000004');
    const t = await hello('50000004');
    await t.next('LastTransactionRequest');
    t.send('LastTransactionResponse', { resultCode: 0, transactionId: transactionIdFromUuid(uuid), transactionStage: 2 });
    await waitFor(() => box!.registry.get('50000004')?.state === 'inTransaction', 'in transaction again');
    // The stage it names is reported, so the server follows the payment out of unknown too.
    expect(await waitFor(() => server!.eventsOf('transactionStage', uuid)[0], 'the stage')).toMatchObject({ stageId: 2 });
    t.send('TransactionResponse', { transactionStage: 4, transactionResult: 0, transactionId: transactionIdFromUuid(uuid) });
    expect(await waitFor(() => server!.eventsOf('transactionResult', uuid)[0], 'the result')).toMatchObject({ result: 'Approved', recovered: false });
  });

  it('ignores a final answer that names another transaction', async () => {
    server = await FakeServer.start({ token: TOKEN });
    box = await startTestBox({ server: server.url, token: TOKEN });
    const t = await hello('50000005');
    const uuid = randomUUID();
    server.command({ kind: 'startTransaction', paymentUuid: uuid, terminalId: '50000005', amountCents: 700 });
    await t.next('TransactionRequest');
    t.send('TransactionResponse', { transactionStage: 4, transactionResult: 0, transactionId: 7n });
    t.send('TransactionResponse', { transactionStage: 4, transactionResult: 1 });
    expect(await waitFor(() => server!.eventsOf('transactionResult', uuid)[0], 'the result')).toMatchObject({ result: 'Error' });
    expect(server!.eventsOf('transactionResult', uuid)).toHaveLength(1);
  });

  it('asks a quiet terminal at once when the cashier asks about a running transaction, and settles with its answer', async () => {
    server = await FakeServer.start({ token: TOKEN });
    box = await startTestBox({ server: server.url, token: TOKEN });
    const t = await hello('50000006');
    const uuid = randomUUID();
    server.command({ kind: 'startTransaction', paymentUuid: uuid, terminalId: '50000006', amountCents: 700 });
    await t.next('TransactionRequest');
    await waitFor(() => server!.eventsOf('transactionSent', uuid)[0], 'sent');
    server.command({ kind: 'recoverTransaction', paymentUuid: uuid, terminalId: '50000006' });
    const unknown = await waitFor(() => server!.eventsOf('transactionUnknown', uuid)[0], 'unknown at once');
    expect(unknown.reason).toContain('asked the terminal');
    const ask = await t.next('LastTransactionRequest');
    expect(isTyped(ask) && ask.body.transactionId).toBe(transactionIdFromUuid(uuid));
    t.send('LastTransactionResponse', { resultCode: 0, transactionId: transactionIdFromUuid(uuid), transactionResult: 0, transactionData: { amount: 700 } });
    expect(await waitFor(() => server!.eventsOf('transactionResult', uuid)[0], 'the result')).toMatchObject({
      result: 'Approved',
      recovered: true,
      amountCents: 700,
    });
  });
});
