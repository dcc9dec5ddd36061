import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorCode } from '../test-support/errors.js';
import type { Device } from './devices.js';
import { orderNeedsAttention } from './orders.js';
import type { PaymentState } from './payment-states.js';
import { PAID_STATES, PAYMENT_STATES } from './payment-states.js';
import { amountDue, cashTender, paidAndRunning } from './payments.js';
import type { RefundCheck, RefundPaymentView, RefundableLine } from './refunds.js';
import { checkRefund, lineRefundCents, refundFigures } from './refunds.js';

const lane: Device = {
  id: 7,
  boxId: 'box-1',
  type: 'payment',
  make: 'Ingenico',
  model: 'lane5000',
  terminalId: 'T1',
  online: true,
  removed: false,
  approval: 'approved',
  sharedWith: [],
};
const CARD = { id: 2, kind: 'bank' as const, terminal: 'ingenico' as const, device: lane };
const CASH = { id: 1, kind: 'cash' as const, terminal: 'none' as const, device: null };

let n = 0;
const line = (kind: 'payment' | 'refund', methodId: number, amountCents: number, state: PaymentState, deviceId: number | null = null): RefundPaymentView => ({
  uuid: `l${(n += 1)}`,
  kind,
  methodId,
  amountCents,
  state,
  deviceId,
});

/** Two fries (700) and a beer (250), paid 600 by card on the terminal and 350 in cash. */
const sold: RefundCheck = {
  order: {
    state: 'paid',
    lines: [
      { position: 0, quantity: 2, totalCents: 700 },
      { position: 1, quantity: 1, totalCents: 250 },
    ],
    payments: [line('payment', CARD.id, 600, 'done', lane.id), line('payment', CASH.id, 350, 'done')],
  },
  returned: [],
  method: CARD,
  posMethodIds: [CASH.id, CARD.id],
  sessionOpen: true,
  deviceActivePayments: 0,
  request: { lines: [{ position: 0, quantity: 1 }] },
};

describe('lineRefundCents', () => {
  it('shares a line over its units rounding down cumulatively: returned one by one, the parts add up to the line total', () => {
    const two = { position: 0, quantity: 3, totalCents: 200 };
    expect([lineRefundCents(two, 0, 1), lineRefundCents(two, 1, 1), lineRefundCents(two, 2, 1)]).toEqual([66, 67, 67]);
    expect(lineRefundCents(two, 0, 3)).toBe(200);
  });

  it('gives back exactly the line total over any split of its units into returns', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 50 }),
        (quantity, totalCents, steps) => {
          const sale: RefundableLine = { position: 0, quantity, totalCents };
          let before = 0;
          let given = 0;
          for (const step of [...steps, quantity]) {
            const take = Math.min(step, quantity - before);
            if (take === 0) break;
            const part = lineRefundCents(sale, before, take);
            expect(Number.isInteger(part)).toBe(true);
            expect(part).toBeGreaterThanOrEqual(0);
            given += part;
            before += take;
          }
          expect(given).toBe(totalCents);
        },
      ),
    );
  });
});

describe('refundFigures', () => {
  it('counts paid payments as taken and paid or running refunds as given back; void lines count nothing', () => {
    const figures = refundFigures([
      line('payment', 2, 1_000, 'done', 7),
      line('payment', 1, 500, 'forceDone'),
      line('payment', 2, 900, 'retry', 7),
      line('payment', 2, 300, 'waitingCard', 7),
      line('refund', 2, 200, 'done', 7),
      line('refund', 2, 100, 'unknown', 7),
      line('refund', 1, 400, 'failed'),
    ]);
    expect(figures).toEqual({ paidCents: 1_500, refundedCents: 300, refundableCents: 1_200 });
  });

  it('keeps only the lines asked for, and never says less than nothing is refundable', () => {
    const lines = [line('payment', 2, 600, 'done', 7), line('payment', 1, 350, 'done'), line('refund', 1, 500, 'done')];
    expect(refundFigures(lines, (p) => p.deviceId === 7)).toEqual({ paidCents: 600, refundedCents: 0, refundableCents: 600 });
    expect(refundFigures(lines, (p) => p.methodId === 1)).toEqual({ paidCents: 350, refundedCents: 500, refundableCents: 0 });
  });
});

describe('checkRefund', () => {
  it('gives back returned lines by their share of the line, through the terminal that took the card', () => {
    expect(checkRefund(sold)).toEqual({ amountCents: 350, lines: [{ position: 0, quantity: 1, amountCents: 350 }] });
    expect(checkRefund({ ...sold, method: CASH, request: { amountCents: 950 } })).toEqual({ amountCents: 950, lines: [] });
  });

  it('refunds only a validated order, or an amount of a cancelled one, and only while a session of its POS is open', () => {
    expect(errorCode(() => checkRefund({ ...sold, order: { ...sold.order, state: 'draft' } }))).toBe('KASSA_ORDER_NOT_VALIDATED');
    expect(errorCode(() => checkRefund({ ...sold, order: { ...sold.order, state: 'cancelled' } }))).toBe('KASSA_ORDER_NOT_VALIDATED');
    expect(checkRefund({ ...sold, order: { ...sold.order, state: 'cancelled' }, request: { amountCents: 100 } }).amountCents).toBe(100);
    expect(errorCode(() => checkRefund({ ...sold, sessionOpen: false }))).toBe('KASSA_REFUND_NO_SESSION');
    expect(errorCode(() => checkRefund({ ...sold, method: CASH, sessionOpen: false, request: { amountCents: 100 } }))).toBe('KASSA_REFUND_NO_SESSION');
  });

  it('returns a line at most as often as it was sold, earlier returns counted, and never names a line twice', () => {
    const returnedOne = { ...sold, returned: [{ position: 0, quantity: 1 }] };
    expect(checkRefund({ ...returnedOne, request: { lines: [{ position: 0, quantity: 1 }] } }).amountCents).toBe(350);
    expect(errorCode(() => checkRefund({ ...returnedOne, request: { lines: [{ position: 0, quantity: 2 }] } }))).toBe('KASSA_REFUND_QUANTITY');
    expect(errorCode(() => checkRefund({ ...sold, request: { lines: [{ position: 0, quantity: 0 }] } }))).toBe('KASSA_REFUND_QUANTITY');
    expect(errorCode(() => checkRefund({ ...sold, request: { lines: [{ position: 5, quantity: 1 }] } }))).toBe('KASSA_VALIDATION');
    expect(
      errorCode(() =>
        checkRefund({
          ...sold,
          request: {
            lines: [
              { position: 1, quantity: 1 },
              { position: 1, quantity: 1 },
            ],
          },
        }),
      ),
    ).toBe('KASSA_VALIDATION');
    expect(errorCode(() => checkRefund({ ...sold, request: {} }))).toBe('KASSA_VALIDATION');
    expect(errorCode(() => checkRefund({ ...sold, request: { lines: [{ position: 0, quantity: 1 }], amountCents: 1 } }))).toBe('KASSA_VALIDATION');
  });

  it('never gives back more than the payments took, nor more by card than the card took on that terminal less its refunds', () => {
    expect(errorCode(() => checkRefund({ ...sold, method: CASH, request: { amountCents: 951 } }))).toBe('KASSA_REFUND_EXCEEDS_PAID');
    expect(errorCode(() => checkRefund({ ...sold, request: { amountCents: 601 } }))).toBe('KASSA_REFUND_EXCEEDS_TERMINAL');
    const cardBack = { ...sold.order, payments: [...sold.order.payments, line('refund', CARD.id, 500, 'done', lane.id)] };
    expect(checkRefund({ ...sold, order: cardBack, request: { amountCents: 100 } }).amountCents).toBe(100);
    expect(errorCode(() => checkRefund({ ...sold, order: cardBack, request: { amountCents: 101 } }))).toBe('KASSA_REFUND_EXCEEDS_TERMINAL');
    // A refund still running counts as given back; a refused one frees its amount again.
    const running = { ...sold.order, payments: [...sold.order.payments, line('refund', CASH.id, 900, 'unknown')] };
    expect(errorCode(() => checkRefund({ ...sold, order: running, method: CASH, request: { amountCents: 51 } }))).toBe('KASSA_REFUND_EXCEEDS_PAID');
    const refused = { ...sold.order, payments: [...sold.order.payments, line('refund', CARD.id, 600, 'retry', lane.id)] };
    expect(checkRefund({ ...sold, order: refused, request: { amountCents: 600 } }).amountCents).toBe(600);
  });

  it('needs the method in the POS and its terminal approved, online and idle', () => {
    expect(errorCode(() => checkRefund({ ...sold, posMethodIds: [CASH.id] }))).toBe('KASSA_METHOD_NOT_IN_POS');
    expect(errorCode(() => checkRefund({ ...sold, method: { ...CARD, device: { ...lane, online: false } } }))).toBe('KASSA_DEVICE_OFFLINE');
    expect(errorCode(() => checkRefund({ ...sold, method: { ...CARD, device: { ...lane, removed: true } } }))).toBe('KASSA_DEVICE_GONE');
    expect(errorCode(() => checkRefund({ ...sold, method: { ...CARD, device: { ...lane, approval: 'new' } } }))).toBe('KASSA_DEVICE_NOT_APPROVED');
    expect(errorCode(() => checkRefund({ ...sold, deviceActivePayments: 1 }))).toBe('KASSA_TERMINAL_BUSY');
  });
});

/** One step of a day at the till on one order: a payment (cash with change or card) while it is a draft, or a refund once it is validated. */
type Step =
  | { kind: 'cash'; tenderedCents: number }
  | { kind: 'card'; amountCents: number; state: PaymentState }
  | { kind: 'refund'; cash: boolean; amountCents: number; state: PaymentState }
  | { kind: 'return'; position: number; quantity: number; cash: boolean; state: PaymentState };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('cash' as const), tenderedCents: fc.integer({ min: 1, max: 20_000 }) }),
  fc.record({ kind: fc.constant('card' as const), amountCents: fc.integer({ min: 1, max: 20_000 }), state: fc.constantFrom<PaymentState>(...PAYMENT_STATES) }),
  fc.record({
    kind: fc.constant('refund' as const),
    cash: fc.boolean(),
    amountCents: fc.integer({ min: 1, max: 20_000 }),
    state: fc.constantFrom<PaymentState>(...PAYMENT_STATES),
  }),
  fc.record({
    kind: fc.constant('return' as const),
    position: fc.integer({ min: 0, max: 3 }),
    quantity: fc.integer({ min: 1, max: 4 }),
    cash: fc.boolean(),
    state: fc.constantFrom<PaymentState>(...PAYMENT_STATES),
  }),
);
const orderLinesArb = fc.array(fc.record({ quantity: fc.integer({ min: 1, max: 5 }), totalCents: fc.integer({ min: 0, max: 10_000 }) }), {
  minLength: 1,
  maxLength: 4,
});

describe('orderNeedsAttention', () => {
  const card = (state: PaymentState) => ({ state, amountCents: 950, deviceId: 7 });
  it('flags a draft whose card was charged, until it is validated', () => {
    expect(orderNeedsAttention({ state: 'draft', payments: [card('done')], refunds: [] })).toBe(true);
    expect(orderNeedsAttention({ state: 'draft', payments: [card('waitingCard'), { state: 'done', amountCents: 100, deviceId: null }], refunds: [] })).toBe(
      false,
    );
    expect(orderNeedsAttention({ state: 'paid', payments: [card('done')], refunds: [] })).toBe(false);
  });

  it('flags a cancelled order that kept more than its refunds gave back: refused or failed, not while one still runs', () => {
    for (const refund of ['retry', 'failed'] as const)
      expect(orderNeedsAttention({ state: 'cancelled', payments: [card('done')], refunds: [card(refund)] }), refund).toBe(true);
    for (const refund of ['pending', 'waitingCard', 'unknown', 'mismatch'] as const)
      expect(orderNeedsAttention({ state: 'cancelled', payments: [card('done')], refunds: [card(refund)] }), refund).toBe(false);
    expect(orderNeedsAttention({ state: 'cancelled', payments: [card('done')], refunds: [card('done')] })).toBe(false);
    expect(orderNeedsAttention({ state: 'cancelled', payments: [card('forceDone')], refunds: [card('forceDone')] })).toBe(false);
    expect(orderNeedsAttention({ state: 'cancelled', payments: [card('retry')], refunds: [] })).toBe(false);
  });
});

describe('a day of sales, payments, change and refunds on one order', () => {
  it('never drifts by a cent: paid − refunded is what stays, nothing is due below zero, and no refund exceeds what was taken', () => {
    fc.assert(
      fc.property(orderLinesArb, fc.array(stepArb, { maxLength: 40 }), (sale, steps) => {
        const lines: RefundableLine[] = sale.map((l, position) => ({ position, ...l }));
        const totalCents = lines.reduce((sum, l) => sum + l.totalCents, 0);
        const payments: RefundPaymentView[] = [];
        const returned: { position: number; quantity: number; state: PaymentState }[] = [];
        let handedCents = 0;
        let changeCents = 0;
        let state: 'draft' | 'paid' = 'draft';
        for (const step of steps) {
          const due = amountDue({ totalCents, payments: payments.filter((p) => p.kind === 'payment') });
          expect(due).toBeGreaterThanOrEqual(0);
          if (state === 'draft') {
            if (step.kind === 'cash' && due > 0) {
              const cash = cashTender({ dueCents: due, tenderedCents: step.tenderedCents });
              handedCents += step.tenderedCents;
              changeCents += cash.changeCents ?? 0;
              payments.push(line('payment', CASH.id, cash.amountCents, 'done'));
            } else if (step.kind === 'card' && due > 0) {
              payments.push(line('payment', CARD.id, Math.min(step.amountCents, due), step.state, lane.id));
            }
            // A running line settles as the terminal answers: approved or void, at random but fixed by the amount.
            for (const [i, p] of payments.entries())
              if (!PAID_STATES.includes(p.state) && p.state !== 'retry' && p.state !== 'failed')
                payments[i] = { ...p, state: p.amountCents % 2 === 0 ? 'done' : 'retry' };
            const { paidCents, runningCents } = paidAndRunning(payments);
            if (runningCents === 0 && paidCents === totalCents) state = 'paid';
            continue;
          }
          if (step.kind !== 'refund' && step.kind !== 'return') continue;
          const method = step.cash ? CASH : CARD;
          const check: RefundCheck = {
            order: { state, lines, payments },
            returned: returned.filter((r) => !['retry', 'failed'].includes(r.state)),
            method,
            posMethodIds: [CASH.id, CARD.id],
            sessionOpen: true,
            deviceActivePayments: payments.some(
              (p) => p.deviceId === lane.id && ['pending', 'waiting', 'waitingCard', 'waitingCancel', 'unknown'].includes(p.state),
            )
              ? 1
              : 0,
            request: step.kind === 'refund' ? { amountCents: step.amountCents } : { lines: [{ position: step.position, quantity: step.quantity }] },
          };
          let outcome: { amountCents: number; lines: { position: number; quantity: number }[] };
          try {
            outcome = checkRefund(check);
          } catch {
            continue;
          }
          const refundState = step.cash ? 'done' : step.state;
          payments.push(line('refund', method.id, outcome.amountCents, refundState, method.device?.id ?? null));
          for (const r of outcome.lines) returned.push({ ...r, state: refundState });
        }
        const all = refundFigures(payments);
        const { paidCents } = paidAndRunning(payments.filter((p) => p.kind === 'payment'));
        // What was paid is what the payment lines say, and cash in is what was handed less the change.
        expect(all.paidCents).toBe(paidCents);
        const cashIn = payments.filter((p) => p.kind === 'payment' && p.methodId === CASH.id).reduce((s, p) => s + p.amountCents, 0);
        expect(handedCents - changeCents).toBe(cashIn);
        // Refunds never exceed what was taken, in all and by card on the terminal; the net is what stays.
        expect(all.refundedCents).toBeLessThanOrEqual(all.paidCents);
        expect(all.paidCents - all.refundedCents).toBe(all.refundableCents);
        const card = refundFigures(payments, (p) => p.deviceId === lane.id);
        expect(card.refundedCents).toBeLessThanOrEqual(card.paidCents);
        if (state === 'paid') expect(paidCents).toBe(totalCents);
        else expect(paidCents).toBeLessThanOrEqual(totalCents);
        // Lines are never returned more than sold, and what they gave back is at most the line total.
        for (const l of lines) {
          const back = returned.filter((r) => r.position === l.position && !['retry', 'failed'].includes(r.state));
          expect(back.reduce((s, r) => s + r.quantity, 0)).toBeLessThanOrEqual(l.quantity);
        }
        // A validated order never needs attention, however it was refunded.
        expect(orderNeedsAttention({ state: 'paid', payments: payments.filter((p) => p.kind === 'payment'), refunds: [] })).toBe(false);
        for (const p of payments) expect(Number.isSafeInteger(p.amountCents)).toBe(true);
      }),
    );
  });
});
