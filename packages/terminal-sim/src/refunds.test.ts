import { TransactionResult } from '@kassa/protocol';
import { describe, expect, it } from 'vitest';
import { ledgerTotals, transactionKindOf, type LedgerEntry } from './ledger.js';
import { scenarioSteps } from './scenarios.js';
import { useBox } from './test-support/harness.js';
import { waitUntil } from './test-support/wait.js';

const { box, start } = useBox();
const REFUND = 0x20;

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

describe('TransactionType', () => {
  it('reads absent or 00 as a purchase, 20 as a refund, and nothing else', () => {
    expect(transactionKindOf(undefined)).toBe('purchase');
    expect(transactionKindOf(Uint8Array.of(0x00))).toBe('purchase');
    expect(transactionKindOf(Uint8Array.of(0x20))).toBe('refund');
    expect(transactionKindOf(Uint8Array.of(0x01))).toBeUndefined();
    expect(transactionKindOf(Uint8Array.of(0x20, 0x00))).toBeUndefined();
  });

  it('refuses a TransactionType it does not emulate with Error and records nothing', async () => {
    const { terminal, session } = await start({ scenario: 'approve' });
    session.sendTransaction(3n, 500, 0x09);
    const final = await session.waitForFinal(3n);
    expect(final.body.transactionResult).toBe(1);
    expect(terminal.ledger).toEqual([]);
  });
});

describe('a refund', () => {
  it('runs card, PIN, authorisation and is approved; the ledger keeps it negative, apart from purchases', async () => {
    const { terminal, session } = await start({ scenario: 'approve', language: 'en' });
    session.sendTransaction(1n, 1500);
    await session.waitForFinal(1n);
    session.sendTransaction(2n, 400, REFUND);
    const final = await session.waitForFinal(2n);
    expect(session.trace(1).slice(-9)).toEqual([...CHIP_AND_PIN, 'TransactionResponse:Approved']);
    expect(final.body.transactionData?.amount).toBe(400);
    expect([...(final.body.transactionData?.transactionType ?? [])]).toEqual([REFUND]);
    expect(final.body.tickets?.[1]?.ticketBody).toContain('REFUND');
    expect(final.body.tickets?.[1]?.ticketBody).not.toContain('SALE');
    expect(terminal.ledger.map((e) => [e.transactionId, e.kind, e.amountCents, e.signedCents, e.result])).toEqual([
      [1n, 'purchase', 1500, 1500, 'Approved'],
      [2n, 'refund', 400, -400, 'Approved'],
    ]);
    expect(ledgerTotals(terminal.ledger)).toEqual({ purchases: { count: 1, cents: 1500 }, refunds: { count: 1, cents: 400 }, netCents: 1100 });
  });

  it('prints refund on the ticket in the terminal language', async () => {
    for (const [language, word] of [
      ['nl', 'TERUGBETALING'],
      ['fr', 'REMBOURSEMENT'],
    ] as const) {
      const { session } = await start({ scenario: 'approve', language });
      session.sendTransaction(4n, 250, REFUND);
      const final = await session.waitForFinal(4n);
      expect(final.body.tickets?.[0]?.ticketBody).toContain(word);
    }
  });

  const outcomes: [string, string][] = [
    ['decline', 'Declined'],
    ['stopped', 'Stopped'],
    ['error', 'Error'],
    ['technical-problem', 'TechnicalProblem'],
    ['pin-then-approve', 'Approved'],
  ];
  for (const [scenario, result] of outcomes) {
    it(`under ${scenario} ends ${result}, recorded as a refund`, async () => {
      const { terminal, session } = await start({ scenario: scenario as 'approve' });
      session.sendTransaction(5n, 300, REFUND);
      await session.waitForFinal(5n);
      expect(terminal.ledger.map((e) => [e.kind, e.signedCents, e.result])).toEqual([['refund', -300, result]]);
    });
  }

  it('can be stopped by a CancelRequest before the card, like a payment', async () => {
    const { terminal, session } = await start({ scenario: 'approve', manualKeys: true });
    session.sendTransaction(6n, 300, REFUND);
    await waitUntil(() => session.trace(1).length >= 2, 'waiting for card');
    session.sendCancel();
    const final = await session.waitForFinal(6n);
    expect(final.body.transactionResult).toBe(TransactionResult.Stopped);
    expect(terminal.ledger.map((e) => [e.kind, e.result])).toEqual([['refund', 'Stopped']]);
  });

  it('under no-answer is given up unreported when the line goes', async () => {
    const { terminal, session } = await start({ scenario: 'no-answer' });
    session.sendTransaction(7n, 300, REFUND);
    await waitUntil(() => session.trace(1).length === CHIP_AND_PIN.length, 'the four stages');
    session.close();
    await waitUntil(() => terminal.ledger.length === 1, 'the abandoned refund');
    expect(terminal.ledger[0]).toMatchObject({ kind: 'refund', signedCents: -300, result: 'TechnicalProblem', reportedToBox: false });
  });

  it('under disconnect-after-card is approved offline and LastTransaction tells it was a refund', async () => {
    const { terminal, session } = await start({ scenario: 'disconnect-after-card' });
    session.sendTransaction(8n, 800, REFUND);
    await session.waitClosed();
    await waitUntil(() => terminal.ledger.length === 1, 'the refund to finish offline');
    expect(terminal.ledger[0]).toMatchObject({ kind: 'refund', signedCents: -800, result: 'Approved', reportedToBox: false });
    const next = await box().session('12345678', session);
    await waitUntil(() => terminal.isConnected, 'hello again');
    next.sendLastTransaction(8n);
    const last = await next.waitFor((m) => m.type === 'LastTransactionResponse', 'LastTransactionResponse');
    expect(last.body).toMatchObject({ resultCode: 0, transactionId: 8n, transactionResult: 0, transactionData: { amount: 800 } });
    expect([...(last.body.transactionData?.transactionType ?? [])]).toEqual([REFUND]);
  });

  it('follows amount-rule by its cents like a payment', async () => {
    const { terminal, session } = await start({ scenario: 'amount-rule' });
    session.sendTransaction(9n, 1001, REFUND);
    await session.waitForFinal(9n);
    session.sendTransaction(10n, 1000, REFUND);
    await session.waitForFinal(10n);
    expect(terminal.ledger.map((e) => [e.kind, e.result])).toEqual([
      ['refund', 'Declined'],
      ['refund', 'Approved'],
    ]);
  });
});

describe('the refund-refused scenario', () => {
  it('refuses a refund at once with Error, no card and no tickets, and approves purchases', async () => {
    const { terminal, session } = await start({ scenario: 'refund-refused', language: 'fr' });
    session.sendTransaction(11n, 500, REFUND);
    const refused = await session.waitForFinal(11n);
    expect(session.trace(1)).toEqual(['InformationReport', 'TransactionResponse:Error']);
    expect(session.received.find((m) => m.type === 'InformationReport')?.body.stageMessage).toBe('Remboursement non autorisé');
    expect(refused.body.tickets).toBeUndefined();
    expect(refused.body.cardBrandIdentifier).toBeUndefined();
    session.sendTransaction(12n, 500);
    await session.waitForFinal(12n);
    expect(terminal.ledger.map((e) => [e.kind, e.result])).toEqual([
      ['refund', 'Error'],
      ['purchase', 'Approved'],
    ]);
  });

  it('is pure: the same refund gives the same two steps', () => {
    expect(scenarioSteps('refund-refused', { amountCents: 100, stageDelayMs: 5, language: 'en', kind: 'refund' })).toEqual([
      { info: 'Refund not allowed' },
      { result: 'Error', tickets: false },
    ]);
  });
});

describe('ledgerTotals', () => {
  it('counts only approved transactions, refunds apart and negative in the net', () => {
    const at = new Date(0);
    const entry = (kind: 'purchase' | 'refund', cents: number, result: LedgerEntry['result']): LedgerEntry => ({
      transactionId: 1n,
      kind,
      amountCents: cents,
      signedCents: kind === 'refund' ? -cents : cents,
      result,
      reportedToBox: true,
      startedAt: at,
      finishedAt: at,
    });
    expect(
      ledgerTotals([entry('purchase', 1000, 'Approved'), entry('refund', 300, 'Approved'), entry('refund', 200, 'Declined'), entry('purchase', 50, 'Stopped')]),
    ).toEqual({
      purchases: { count: 1, cents: 1000 },
      refunds: { count: 1, cents: 300 },
      netCents: 700,
    });
  });
});
