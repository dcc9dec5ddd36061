import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pay } from '../test-support/closing.js';
import { errorCode } from '../test-support/errors.js';
import type { ClosingPayment } from './closing.js';
import { checkReopen, closingFigures, countedCash, countedFromDenominations, EURO_DENOMINATIONS_CENTS } from './closing.js';
import type { PaymentState } from './payment-states.js';
import { PAYMENT_STATES } from './payment-states.js';
import { checkClosingBlockers, closeSession } from './sessions.js';

const base = { state: 'open' as const, openingCashCents: 10_000, draftOrders: [] };

describe('closing figures', () => {
  it('expected cash is the opening cash plus the cash lines (net of change) minus cash refunds', () => {
    const figures = closingFigures({
      openingCashCents: 10_000,
      payments: [
        pay({ methodId: 1, methodName: 'Cash', kind: 'cash', amountCents: 1_250, tenderedCents: 2_000, changeCents: 750, state: 'done' }),
        pay({ methodId: 1, methodName: 'Cash', kind: 'cash', amountCents: 300, state: 'failed' }),
      ],
      cashRefunds: [{ amountCents: 200 }],
    });
    expect(figures).toMatchObject({ cashSalesCents: 1_250, cashSalesCount: 1, changeGivenCents: 750, cashRefundsCents: 200, expectedCashCents: 11_050 });
  });

  it('totals card sales per method and per terminal, with the refunds of each', () => {
    const figures = closingFigures({
      openingCashCents: 0,
      payments: [
        pay({ methodId: 2, methodName: 'Card', kind: 'bank', amountCents: 1_000, state: 'done', deviceId: 1, terminalId: 'T1' }),
        pay({ methodId: 2, methodName: 'Card', kind: 'bank', amountCents: 500, state: 'done', deviceId: 2, terminalId: 'T2' }),
        pay({
          methodId: 2,
          methodName: 'Card',
          kind: 'bank',
          amountCents: 700,
          state: 'forceDone',
          deviceId: 1,
          terminalId: 'T1',
          settledBy: 'ann',
          approvedBy: 'max',
          settleReason: 'slip printed',
        }),
        pay({ methodId: 2, methodName: 'Card', kind: 'bank', amountCents: 900, state: 'retry', deviceId: 1, terminalId: 'T1' }),
      ],
      cardRefunds: [{ methodId: 2, methodName: 'Card', deviceId: 2, terminalId: 'T2', amountCents: 500 }],
    });
    expect(figures.cards).toEqual([
      { methodId: 2, methodName: 'Card', deviceId: 1, terminalId: 'T1', salesCount: 2, salesCents: 1_700, refundsCount: 0, refundsCents: 0 },
      { methodId: 2, methodName: 'Card', deviceId: 2, terminalId: 'T2', salesCount: 1, salesCents: 500, refundsCount: 1, refundsCents: 500 },
    ]);
    expect(figures.settledByHand).toEqual([
      expect.objectContaining({ state: 'forceDone', amountCents: 700, settledBy: 'ann', approvedBy: 'max', reason: 'slip printed', terminalId: 'T1' }),
    ]);
    expect(figures.expectedCashCents).toBe(0);
  });

  it('a difference within the threshold closes; beyond it needs a manager, who is recorded', () => {
    const payments = [pay({ methodId: 1, methodName: 'Cash', kind: 'cash', amountCents: 2_500, state: 'done' })];
    expect(closeSession({ ...base, payments, countedCashCents: 12_000, thresholdCents: 500 }).cashDifferenceCents).toBe(-500);
    expect(errorCode(() => closeSession({ ...base, payments, countedCashCents: 11_999, thresholdCents: 500 }))).toBe('KASSA_FORBIDDEN');
    expect(errorCode(() => closeSession({ ...base, payments, countedCashCents: 13_001, thresholdCents: 500 }))).toBe('KASSA_FORBIDDEN');
    const approved = closeSession({ ...base, payments, countedCashCents: 11_000, thresholdCents: 500, approvedBy: 'max', closedBy: 'ann' });
    expect(approved).toMatchObject({ cashDifferenceCents: -1_500, differenceApprovedBy: 'max', closedBy: 'ann' });
  });

  it('the refusal says a manager approval is needed, with the difference and the threshold', () => {
    try {
      closeSession({ ...base, payments: [], countedCashCents: 0, thresholdCents: 500 });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'KASSA_FORBIDDEN', details: { needs: 'managerApproval', cashDifferenceCents: -10_000, thresholdCents: 500 } });
    }
  });
});

describe('count by note and coin', () => {
  it('sums the pieces', () => {
    expect(
      countedFromDenominations([
        { valueCents: 5_000, quantity: 2 },
        { valueCents: 1, quantity: 3 },
        { valueCents: 200, quantity: 0 },
      ]),
    ).toBe(10_003);
  });

  it('refuses an unknown value, a value counted twice, or a bad quantity', () => {
    expect(errorCode(() => countedFromDenominations([{ valueCents: 300, quantity: 1 }]))).toBe('KASSA_VALIDATION');
    expect(
      errorCode(() =>
        countedFromDenominations([
          { valueCents: 100, quantity: 1 },
          { valueCents: 100, quantity: 1 },
        ]),
      ),
    ).toBe('KASSA_VALIDATION');
    expect(errorCode(() => countedFromDenominations([{ valueCents: 100, quantity: -1 }]))).toBe('KASSA_VALIDATION');
    expect(errorCode(() => countedFromDenominations([{ valueCents: 100, quantity: 1.5 }]))).toBe('KASSA_VALIDATION');
  });

  it('the count is the counted cash; a typed amount must agree with it', () => {
    expect(countedCash({ countedCashCents: undefined, count: [{ valueCents: 1_000, quantity: 3 }] })).toBe(3_000);
    expect(countedCash({ countedCashCents: 3_000, count: [{ valueCents: 1_000, quantity: 3 }] })).toBe(3_000);
    expect(errorCode(() => countedCash({ countedCashCents: 2_999, count: [{ valueCents: 1_000, quantity: 3 }] }))).toBe('KASSA_VALIDATION');
    expect(errorCode(() => countedCash({ countedCashCents: undefined, count: undefined }))).toBe('KASSA_VALIDATION');
  });
});

describe('reopening', () => {
  it('only a closed session with no later session of its POS', () => {
    expect(() => checkReopen({ state: 'closed', laterSessions: 0 })).not.toThrow();
    expect(errorCode(() => checkReopen({ state: 'closed', laterSessions: 1 }))).toBe('KASSA_CONFLICT');
    expect(errorCode(() => checkReopen({ state: 'open', laterSessions: 0 }))).toBe('KASSA_CONFLICT');
  });
});

const paymentArb: fc.Arbitrary<ClosingPayment> = fc
  .record({
    methodId: fc.integer({ min: 1, max: 4 }),
    amountCents: fc.integer({ min: 1, max: 5_000_000 }),
    changeCents: fc.integer({ min: 0, max: 100_000 }),
    state: fc.constantFrom<PaymentState>(...PAYMENT_STATES),
    terminal: fc.integer({ min: 0, max: 3 }),
  })
  .map(({ methodId, amountCents, changeCents, state, terminal }) =>
    pay({
      methodId,
      methodName: `M${methodId}`,
      kind: methodId === 1 ? 'cash' : 'bank',
      amountCents,
      state,
      changeCents: methodId === 1 ? changeCents : null,
      tenderedCents: methodId === 1 ? amountCents + changeCents : null,
      deviceId: methodId === 1 ? null : terminal,
      terminalId: methodId === 1 ? null : `T${terminal}`,
    }),
  );

describe('closing figures never drift by a cent', () => {
  it('per-method totals, cash and card totals add up to exactly the paid lines, and the difference is counted − expected', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.array(paymentArb, { maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: 100_000 }), { maxLength: 5 }),
        fc.integer({ min: 0, max: 100_000_000 }),
        (openingCashCents, payments, refunds, countedCashCents) => {
          const cashRefunds = refunds.map((amountCents) => ({ amountCents }));
          const figures = closingFigures({ openingCashCents, payments, cashRefunds });
          const paid = payments.filter((p) => p.state === 'done' || p.state === 'forceDone');
          const paidCents = paid.reduce((s, p) => s + p.amountCents, 0);
          expect(figures.totals.reduce((s, t) => s + t.totalCents, 0)).toBe(paidCents);
          expect(figures.totals.reduce((s, t) => s + t.count, 0)).toBe(paid.length);
          expect(figures.cashSalesCents + figures.cards.reduce((s, c) => s + c.salesCents, 0)).toBe(paidCents);
          expect(figures.cashSalesCount + figures.cards.reduce((s, c) => s + c.salesCount, 0)).toBe(paid.length);
          expect(figures.expectedCashCents).toBe(openingCashCents + figures.cashSalesCents - refunds.reduce((s, r) => s + r, 0));
          for (const value of [figures.expectedCashCents, figures.cashSalesCents, figures.changeGivenCents, ...figures.cards.map((c) => c.salesCents)])
            expect(Number.isSafeInteger(value)).toBe(true);
          const closing = closeSession({
            state: 'open',
            openingCashCents,
            countedCashCents,
            draftOrders: [],
            payments,
            cashRefunds,
            thresholdCents: Number.MAX_SAFE_INTEGER,
          });
          expect(closing.countedCashCents - closing.expectedCashCents).toBe(closing.cashDifferenceCents);
        },
      ),
    );
  });

  it('a count by note and coin sums to exactly the value of its pieces', () => {
    fc.assert(
      fc.property(
        fc.subarray([...EURO_DENOMINATIONS_CENTS]),
        fc.array(fc.integer({ min: 0, max: 1_000 }), { minLength: 15, maxLength: 15 }),
        (values, quantities) => {
          const count = values.map((valueCents, i) => ({ valueCents, quantity: quantities[i] ?? 0 }));
          const euros = count.reduce((s, c) => s + (c.valueCents / 100) * c.quantity, 0);
          expect(countedFromDenominations(count)).toBe(Math.round(euros * 100));
        },
      ),
    );
  });
});

describe('refund lines of the session', () => {
  const refundLine = (fields: Partial<ClosingPayment> & Pick<ClosingPayment, 'state'>): ClosingPayment =>
    pay({
      uuid: '00000000-0000-4000-8000-0000000000e1',
      methodId: 2,
      methodName: 'Card',
      kind: 'bank',
      amountCents: 250,
      deviceId: 1,
      terminalId: 'T1',
      approvedBy: 'max',
      ...fields,
    });

  it('counts paid cash refunds out of the drawer and paid card refunds on their terminal; running or void ones count nothing', () => {
    const figures = closingFigures({
      openingCashCents: 1_000,
      payments: [],
      refunds: [
        refundLine({ state: 'done', kind: 'cash', methodId: 1, methodName: 'Cash', deviceId: null, terminalId: null, amountCents: 300 }),
        refundLine({ state: 'done' }),
        refundLine({ state: 'unknown' }),
        refundLine({ state: 'retry' }),
      ],
    });
    expect(figures).toMatchObject({ cashRefundsCents: 300, expectedCashCents: 700 });
    expect(figures.cards).toEqual([expect.objectContaining({ terminalId: 'T1', refundsCount: 1, refundsCents: 250, salesCount: 0 })]);
    expect(figures.settledByHand).toEqual([]);
  });

  it('lists a refund line forced done or marked failed by a person with the payments settled by hand, marked as a refund', () => {
    const figures = closingFigures({
      openingCashCents: 0,
      payments: [
        pay({
          methodId: 2,
          methodName: 'Card',
          kind: 'bank',
          amountCents: 950,
          state: 'forceDone',
          deviceId: 1,
          terminalId: 'T1',
          settledBy: 'ann',
          approvedBy: 'max',
        }),
      ],
      refunds: [
        refundLine({ state: 'forceDone', settledBy: 'ann', settleReason: 'slip printed' }),
        refundLine({ state: 'failed', settledBy: 'max', settleReason: 'no refund on the terminal' }),
        // Refused by the terminal: its approver is the refund's, nobody settled it.
        refundLine({ state: 'failed' }),
      ],
    });
    expect(figures.settledByHand.map((p) => [p.refund, p.state, p.settledBy, p.reason])).toEqual([
      [false, 'forceDone', 'ann', null],
      [true, 'forceDone', 'ann', 'slip printed'],
      [true, 'failed', 'max', 'no refund on the terminal'],
    ]);
    expect(figures.cards).toEqual([expect.objectContaining({ salesCents: 950, refundsCents: 250, refundsCount: 1 })]);
  });

  it('stands in the way of closing while a refund line runs, is unknown or waits for a person, and lists them', () => {
    for (const state of ['pending', 'waiting', 'waitingCard', 'waitingCancel', 'unknown', 'mismatch'] as const) {
      expect(
        errorCode(() => closeSession({ ...base, payments: [], refunds: [refundLine({ state })], countedCashCents: 10_000 })),
        state,
      ).toBe('KASSA_SESSION_REFUNDS_RUNNING');
    }
    for (const state of ['done', 'forceDone', 'retry', 'failed'] as const)
      expect(closeSession({ ...base, payments: [], refunds: [refundLine({ state })], countedCashCents: 10_000 }).cashDifferenceCents).toBe(0);
  });

  it('says first the open orders, then the running refunds, then the orders that need attention', () => {
    const running = [{ uuid: 'r1', orderId: 'o2', state: 'unknown' as const }];
    expect(errorCode(() => checkClosingBlockers({ draftOrders: ['o1'], refunds: running, attentionOrders: ['o3'] }))).toBe('KASSA_SESSION_ORDERS_OPEN');
    expect(errorCode(() => checkClosingBlockers({ draftOrders: [], refunds: running, attentionOrders: ['o3'] }))).toBe('KASSA_SESSION_REFUNDS_RUNNING');
    expect(errorCode(() => checkClosingBlockers({ draftOrders: [], refunds: [], attentionOrders: ['o3'] }))).toBe('KASSA_SESSION_ATTENTION');
    expect(() => checkClosingBlockers({ draftOrders: [], refunds: [{ ...running[0]!, state: 'done' }], attentionOrders: [] })).not.toThrow();
  });
});
