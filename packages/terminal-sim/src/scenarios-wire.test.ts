import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTerminal, type TerminalHandle } from './index.js';
import { MiniBox } from './test-support/mini-box.js';
import { waitUntil } from './test-support/wait.js';

let box: MiniBox;
const terminals: TerminalHandle[] = [];

beforeEach(async () => {
  box = await MiniBox.start();
});

afterEach(async () => {
  await Promise.all(terminals.splice(0).map((t) => t.close()));
  await box.close();
});

function start(scenario: Parameters<typeof startTerminal>[0]['scenario'], extra: Partial<Parameters<typeof startTerminal>[0]> = {}): TerminalHandle {
  const terminal = startTerminal({ box: box.address, terminalId: '12345678', scenario, stageDelayMs: 2, ...extra });
  terminals.push(terminal);
  return terminal;
}

const CHIP_AND_PIN = [
  'TransactionResponse:WaitingForCard',
  'InformationReport:WaitingForCard',
  'TransactionResponse:CardDetected',
  'InformationReport:CardDetected',
  'TransactionResponse:WaitingForPin',
  'InformationReport:WaitingForPin',
  'TransactionResponse:WaitingForTransaction',
  'InformationReport:WaitingForTransaction',
];

describe('the approve scenario', () => {
  it('says hello, then runs the four stages and answers Approved with two tickets', async () => {
    const terminal = start('approve');
    await terminal.ready();
    const session = await box.session('12345678');
    expect(session.trace()).toEqual(['HelloRequest']);
    session.sendTransaction(123456789012345n, 1234);
    const final = await session.waitForFinal(123456789012345n);
    expect(session.trace(1)).toEqual([...CHIP_AND_PIN, 'TransactionResponse:Approved']);
    expect(final.body.transactionStage).toBe(4);
    expect(final.body.transactionData?.amount).toBe(1234);
    expect(final.body.transactionData?.authorisationCode).toMatch(/^\d{6}$/);
    expect(final.body.tickets).toHaveLength(2);
    expect(final.body.tickets?.map((t) => t.ticketType)).toEqual([1, 2]);
    expect(final.body.tickets?.[1]?.ticketBody).toContain('GOEDGEKEURD');
    expect(final.header.ecrId).toBe('odoo');
    expect(terminal.ledger).toEqual([
      expect.objectContaining({ transactionId: 123456789012345n, amountCents: 1234, result: 'Approved', reportedToBox: true }),
    ]);
  });

  it('numbers its own frames 0, 1, 2, … on each connection', async () => {
    const terminal = start('approve');
    await terminal.ready();
    const session = await box.session('12345678');
    session.sendTransaction(7n, 100);
    await session.waitForFinal(7n);
    expect(session.received.map((m) => m.header.sequenceNumber)).toEqual(session.received.map((_, i) => i));
  });
});

describe('a terminal and its box', () => {
  it('reconnects after the box drops it, and keeps its ledger', async () => {
    const terminal = start('approve', { reconnect: { initialMs: 10, maxMs: 50 } });
    await terminal.ready();
    const first = await box.session('12345678');
    first.sendTransaction(1n, 500);
    await first.waitForFinal(1n);
    first.close();
    const second = await box.session('12345678', first);
    await waitUntil(() => terminal.isConnected, 'the terminal to say hello again');
    second.sendTransaction(2n, 600);
    await second.waitForFinal(2n);
    expect(terminal.ledger.map((e) => e.transactionId)).toEqual([1n, 2n]);
  });
});
