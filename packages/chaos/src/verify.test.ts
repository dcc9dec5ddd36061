import { describe, expect, it } from 'vitest';
import type { RunFacts, ServerPayment } from './verify.js';
import { verify } from './verify.js';

const payment = (over: Partial<ServerPayment> & { uuid: string; transactionId: string }): ServerPayment => ({
  orderId: 'o1',
  state: 'done',
  amountCents: 1200,
  card: true,
  kind: 'payment',
  tickets: 2,
  ...over,
});

function facts(over: Partial<RunFacts>): RunFacts {
  return {
    ledger: [{ terminalId: 't1', transactionId: '1', amountCents: 1200, result: 'Approved', kind: 'purchase' }],
    started: [{ terminalId: 't1', transactionId: '1' }],
    stillRunning: new Set(),
    payments: [payment({ uuid: 'p1', transactionId: '1' })],
    orders: [{ id: 'o1', state: 'paid', totalCents: 1200 }],
    ...over,
  };
}

const rules = (f: RunFacts) => verify(f).findings.map((x) => x.rule);

describe('verify', () => {
  it('finds nothing when every approval is one done payment with tickets and the order adds up', () => {
    const verdict = verify(facts({}));
    expect(verdict.findings).toEqual([]);
    expect(verdict.counts).toMatchObject({ 'ledger Approved': 1, 'payments done': 1, 'orders paid': 1, 'approved cents': 1200 });
  });

  it('names an approved transaction whose payment is not done', () => {
    const found = verify(facts({ payments: [payment({ uuid: 'p1', transactionId: '1', state: 'retry' })], orders: [] })).findings;
    expect(found).toContainEqual(expect.objectContaining({ rule: 'approved is paid', payment: 'p1' }));
  });

  it('names a done payment that no terminal approved', () => {
    expect(rules(facts({ ledger: [{ terminalId: 't1', transactionId: '1', amountCents: 1200, result: 'Declined', kind: 'purchase' }] }))).toEqual(
      expect.arrayContaining(['not approved is not paid', 'paid only when approved', 'order paid total']),
    );
  });

  it('names a payment a person must settle because the terminal approved another amount', () => {
    expect(rules(facts({ payments: [payment({ uuid: 'p1', transactionId: '1', state: 'mismatch' })], orders: [] }))).toEqual(
      expect.arrayContaining(['nothing left for a person', 'approved is paid']),
    );
  });

  it('names a uuid that started two terminal transactions', () => {
    expect(
      rules(
        facts({
          started: [
            { terminalId: 't1', transactionId: '1' },
            { terminalId: 't1', transactionId: '1' },
          ],
        }),
      ),
    ).toContain('one terminal transaction per uuid');
  });

  it('names a done payment without tickets', () => {
    expect(rules(facts({ payments: [payment({ uuid: 'p1', transactionId: '1', tickets: 0 })] }))).toContain('approved has tickets');
  });

  it('names a payment left unknown, unless its terminal never answered', () => {
    const open = facts({
      ledger: [],
      payments: [payment({ uuid: 'p1', transactionId: '1', state: 'unknown' })],
      orders: [{ id: 'o1', state: 'draft', totalCents: 1200 }],
    });
    expect(rules(open)).toEqual(['nothing left open']);
    const noAnswer = verify({ ...open, stillRunning: new Set(['1']) });
    expect(noAnswer.findings).toEqual([]);
    expect(noAnswer.counts['open: terminal never answered (no-answer)']).toBe(1);
  });

  it('counts cash in the paid total of an order', () => {
    const f = facts({
      ledger: [{ terminalId: 't1', transactionId: '1', amountCents: 1200, result: 'Declined', kind: 'purchase' }],
      payments: [payment({ uuid: 'p1', transactionId: '1', state: 'retry' }), payment({ uuid: 'p2', transactionId: '2', card: false })],
    });
    expect(verify(f).findings).toEqual([]);
  });

  it('matches a refund line with the terminal’s refund and keeps refunds within what was paid', () => {
    const sale = { terminalId: 't1', transactionId: '1', amountCents: 1200, result: 'Approved', kind: 'purchase' } as const;
    const back = { terminalId: 't1', transactionId: '2', amountCents: 500, result: 'Approved', kind: 'refund' } as const;
    const started = [
      { terminalId: 't1', transactionId: '1' },
      { terminalId: 't1', transactionId: '2' },
    ];
    const refundLine = payment({ uuid: 'r1', transactionId: '2', amountCents: 500, kind: 'refund' });
    const good = verify(facts({ ledger: [sale, back], started, payments: [payment({ uuid: 'p1', transactionId: '1' }), refundLine] }));
    expect(good.findings).toEqual([]);
    expect(good.counts).toMatchObject({ 'approved cents': 1200, 'refunded cents': 500 });
    // The terminal refunded but the server lost it: named.
    expect(
      rules(facts({ ledger: [sale, back], started, payments: [payment({ uuid: 'p1', transactionId: '1' }), { ...refundLine, state: 'retry' }] })),
    ).toContain('approved is paid');
    // The terminal ran a purchase for a refund line: named.
    expect(
      rules(facts({ ledger: [sale, { ...back, kind: 'purchase' }], started, payments: [payment({ uuid: 'p1', transactionId: '1' }), refundLine] })),
    ).toContain('the terminal ran what was asked');
    // Refunds beyond what was paid (a refund doubled in cash): named.
    const doubled = [
      payment({ uuid: 'p1', transactionId: '1' }),
      refundLine,
      payment({ uuid: 'r2', transactionId: '3', amountCents: 800, kind: 'refund', card: false }),
    ];
    expect(rules(facts({ ledger: [sale, back], started, payments: doubled }))).toContain('refunds within paid');
  });

  it('accepts a cancelled order whose payments were refunded in full, and names one that kept money', () => {
    const cancelled = {
      ledger: [
        { terminalId: 't1', transactionId: '1', amountCents: 1200, result: 'Approved', kind: 'purchase' as const },
        { terminalId: 't1', transactionId: '2', amountCents: 1200, result: 'Approved', kind: 'refund' as const },
      ],
      started: [
        { terminalId: 't1', transactionId: '1' },
        { terminalId: 't1', transactionId: '2' },
      ],
      payments: [payment({ uuid: 'p1', transactionId: '1' }), payment({ uuid: 'r1', transactionId: '2', kind: 'refund' })],
      orders: [{ id: 'o1', state: 'cancelled', totalCents: 1200 }],
    };
    expect(verify(facts(cancelled)).findings).toEqual([]);
    const refused = facts({
      ...cancelled,
      ledger: [cancelled.ledger[0]!, { ...cancelled.ledger[1]!, result: 'Declined' }],
      payments: [cancelled.payments[0]!, payment({ uuid: 'r1', transactionId: '2', kind: 'refund', state: 'retry' })],
    });
    expect(verify(refused).findings).toEqual([
      { rule: 'order paid total', order: 'o1', detail: 'cancelled although 1200 cents were received and 0 given back' },
    ]);
    const noAnswer = facts({
      ...cancelled,
      ledger: [cancelled.ledger[0]!],
      payments: [cancelled.payments[0]!, payment({ uuid: 'r1', transactionId: '2', kind: 'refund', state: 'unknown' })],
      stillRunning: new Set(['2']),
    });
    expect(verify(noAnswer).findings).toEqual([]);
  });
});
