import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { transactionIdFromUuid } from '@kassa/contract';
import { JOURNAL_FILE } from '../src/journal/journal.js';
import { FakeServer } from '../src/test-support/fake-server.js';
import { startTestBox } from '../src/test-support/harness.js';
import { RawTerminal } from '../src/test-support/raw-terminal.js';
import { waitFor } from '../src/test-support/wait.js';
import { MAX_FOREIGN_ANSWERS_REPORTED } from '../src/transactions/manager.js';
import type { Box, BoxOptions } from '../src/box.js';

const TOKEN = 'test-token-123';
let box: (Box & { port: number; dataDir: string }) | undefined;
let server: FakeServer | undefined;
const terminals: RawTerminal[] = [];

afterEach(async () => {
  for (const t of terminals.splice(0)) t.close();
  await box?.close();
  await server?.close();
  box = undefined;
  server = undefined;
});

/** A box, a raw terminal and a payment of 700 cents sent to it; returns the terminal and the payment. */
async function running(terminalId: string, options: BoxOptions = {}): Promise<{ t: RawTerminal; uuid: string; id: bigint }> {
  server = await FakeServer.start({ token: TOKEN });
  box = await startTestBox({ server: server.url, token: TOKEN, ...options });
  const t = await RawTerminal.hello(box.port, terminalId);
  terminals.push(t);
  const uuid = randomUUID();
  server.command({ kind: 'startTransaction', paymentUuid: uuid, terminalId, amountCents: 700 });
  await t.next('TransactionRequest');
  await waitFor(() => server!.eventsOf('transactionSent', uuid)[0], 'the transaction sent');
  return { t, uuid, id: transactionIdFromUuid(uuid) };
}

const messagesOf = (uuid: string): string[] => server!.eventsOf('transactionMessage', uuid).map((m) => m.text);

/**
 * A TransactionResponse is the running transaction's answer only when it names its TransactionId
 * and, when it carries an amount, its amount. Any other is journaled and reported to the server as
 * a transactionMessage, and the transaction goes on waiting for its own answer.
 */
describe('answers that are not the running transaction’s', () => {
  it('does not take an approval naming another TransactionId, reports it, and settles on the real answer', async () => {
    const { t, uuid, id } = await running('60000001');
    t.send('TransactionResponse', { transactionStage: 4, transactionResult: 0, transactionId: 7n, transactionData: { amount: 700 } });
    const report = await waitFor(() => messagesOf(uuid)[0], 'the report of the foreign answer');
    expect(report).toContain('transaction 7');
    expect(report).toContain(`transaction ${id}`);
    expect(server!.eventsOf('transactionResult', uuid)).toHaveLength(0);
    expect(box!.registry.get('60000001')?.state).toBe('inTransaction');
    // Journaled: the event is on disk.
    expect(readFileSync(join(box!.dataDir, JOURNAL_FILE), 'utf8')).toContain('transaction 7');
    t.send('TransactionResponse', { transactionStage: 4, transactionResult: 0, transactionId: id, transactionData: { amount: 700 } });
    expect(await waitFor(() => server!.eventsOf('transactionResult', uuid)[0], 'the result')).toMatchObject({
      result: 'Approved',
      amountCents: 700,
      transactionId: id.toString(),
    });
    expect(server!.eventsOf('transactionResult', uuid)).toHaveLength(1);
  });

  it('does not take an approval of another amount for its own TransactionId', async () => {
    const { t, uuid, id } = await running('60000002');
    t.send('TransactionResponse', { transactionStage: 4, transactionResult: 0, transactionId: id, transactionData: { amount: 1 } });
    const report = await waitFor(() => messagesOf(uuid)[0], 'the report of the foreign answer');
    expect(report).toContain('1 cents');
    expect(report).toContain('700 cents');
    expect(server!.eventsOf('transactionResult', uuid)).toHaveLength(0);
    t.send('TransactionResponse', { transactionStage: 4, transactionResult: 2, transactionId: id, transactionData: { amount: 700 } });
    expect(await waitFor(() => server!.eventsOf('transactionResult', uuid)[0], 'the result')).toMatchObject({ result: 'Declined' });
  });

  it('reports a terminal repeating foreign answers a few times only, and they do not keep the transaction alive', async () => {
    const { t, uuid } = await running('60000003', { transactionTimeoutMs: 1500 });
    for (let i = 0; i < MAX_FOREIGN_ANSWERS_REPORTED + 10; i++) t.send('TransactionResponse', { transactionStage: 1, transactionId: BigInt(1000 + i) });
    await waitFor(() => messagesOf(uuid).length >= MAX_FOREIGN_ANSWERS_REPORTED, 'the reports');
    // The silence of the real transaction still ends in unknown, then the box asks the terminal.
    await waitFor(() => server!.eventsOf('transactionUnknown', uuid)[0], 'the unknown event');
    await t.next('LastTransactionRequest');
    expect(messagesOf(uuid)).toHaveLength(MAX_FOREIGN_ANSWERS_REPORTED);
    expect(server!.eventsOf('transactionStage', uuid)).toHaveLength(0);
  });
});
