import { describe, expect, it } from 'vitest';
import { errorCode } from '../test-support/errors.js';
import type { Device } from './devices.js';
import { checkOrderCancel, checkOrderValidation } from './orders.js';
import type { PaymentLineView } from './payment-states.js';
import type { PaymentRequestCheck } from './payments.js';
import { amountDue, checkPaymentRequest } from './payments.js';
import type { PaymentState } from './payment-states.js';
import { closeSession, checkSessionOpen } from './sessions.js';
import { pay } from '../test-support/closing.js';

const line = (state: PaymentState, amountCents: number, uuid = `p-${state}-${amountCents}`): PaymentLineView => ({ uuid, amountCents, state, deviceId: 7 });
const order = (payments: PaymentLineView[], totalCents = 1000) => ({ state: 'draft' as const, totalCents, payments });

describe('checkOrderValidation', () => {
  it('validates an order paid exactly by done and forceDone lines', () => {
    expect(checkOrderValidation({ order: order([line('done', 600), line('forceDone', 400)]) })).toEqual({ paidCents: 1000 });
  });

  it('ignores void lines (retry, failed)', () => {
    expect(checkOrderValidation({ order: order([line('retry', 1000), line('failed', 1000), line('done', 1000)]) })).toEqual({ paidCents: 1000 });
  });

  it.each<PaymentState>(['pending', 'waiting', 'waitingCard', 'waitingCancel', 'unknown', 'mismatch'])('refuses while a line is %s', (state) => {
    expect(errorCode(() => checkOrderValidation({ order: order([line('done', 1000), line(state, 1)]) }))).toBe('KASSA_PAYMENT_IN_PROGRESS');
  });

  it('refuses when the paid total is less or more than the order total', () => {
    expect(errorCode(() => checkOrderValidation({ order: order([line('done', 999)]) }))).toBe('KASSA_ORDER_UNPAID');
    expect(errorCode(() => checkOrderValidation({ order: order([line('done', 1001)]) }))).toBe('KASSA_ORDER_UNPAID');
  });

  it('refuses an order already validated', () => {
    expect(errorCode(() => checkOrderValidation({ order: { ...order([line('done', 1000)]), state: 'paid' } }))).toBe('KASSA_ORDER_NOT_DRAFT');
  });
});

describe('checkOrderCancel', () => {
  it('cancels an order with only void lines', () => {
    expect(errorCode(() => checkOrderCancel({ order: order([line('retry', 1000)]) }))).toBe('no error');
  });

  it('refuses to cancel an order whose card line took money, or may be taking it', () => {
    expect(errorCode(() => checkOrderCancel({ order: order([line('done', 10)]) }))).toBe('KASSA_ORDER_CARD_PAID');
    expect(errorCode(() => checkOrderCancel({ order: order([line('unknown', 10)]) }))).toBe('KASSA_PAYMENT_IN_PROGRESS');
  });

  it('refuses to cancel as it is an order paid in cash: a cancellation refunds the cash', () => {
    expect(errorCode(() => checkOrderCancel({ order: order([{ ...line('done', 1000), deviceId: null }]) }))).toBe('KASSA_ORDER_TOOK_MONEY');
  });

  it('refuses to cancel an order whose terminal approved another amount than asked', () => {
    expect(errorCode(() => checkOrderCancel({ order: order([line('mismatch', 10)]) }))).toBe('KASSA_PAYMENT_IN_PROGRESS');
  });
});

describe('amountDue', () => {
  it('counts a mismatched line as taken, so the amount is not asked of a card twice', () => {
    expect(amountDue(order([line('mismatch', 400)]))).toBe(600);
  });
});

const lane: Device = {
  id: 7,
  boxId: 'b',
  type: 'payment',
  make: 'Ingenico',
  model: 'lane5000',
  terminalId: 'T',
  online: true,
  removed: false,
  approval: 'approved',
  sharedWith: [],
};
const request: PaymentRequestCheck = {
  order: order([]),
  method: { id: 3, kind: 'bank', terminal: 'ingenico', device: lane },
  posMethodIds: [3],
  amountCents: 1000,
  deviceActivePayments: 0,
};

describe('checkPaymentRequest', () => {
  it('accepts a card payment of what is due on an idle online terminal', () => {
    expect(errorCode(() => checkPaymentRequest(request))).toBe('no error');
  });

  it('refuses a method that the POS does not offer', () => {
    expect(errorCode(() => checkPaymentRequest({ ...request, posMethodIds: [] }))).toBe('KASSA_METHOD_NOT_IN_POS');
  });

  it('refuses a card payment above what is due, counting running lines', () => {
    const running = { ...request, order: order([line('waitingCard', 600)]), amountCents: 401 };
    expect(errorCode(() => checkPaymentRequest(running))).toBe('KASSA_AMOUNT_EXCEEDS_DUE');
    expect(amountDue(running.order)).toBe(400);
  });

  it('lets cash exceed what is due: the line counts what is due and the rest is the change', () => {
    const cash = { ...request, method: { id: 3, kind: 'cash' as const, terminal: 'none' as const, device: null }, amountCents: 5000 };
    expect(checkPaymentRequest(cash)).toEqual({ amountCents: 1000, tenderedCents: 5000, changeCents: 4000 });
    expect(checkPaymentRequest({ ...cash, amountCents: 400 })).toEqual({ amountCents: 400, tenderedCents: 400, changeCents: 0 });
  });

  it('refuses any line once nothing is due, and a bank line entered by hand above what is due', () => {
    const paid = { ...request, order: order([line('done', 1000)]) };
    expect(errorCode(() => checkPaymentRequest(paid))).toBe('KASSA_AMOUNT_EXCEEDS_DUE');
    expect(errorCode(() => checkPaymentRequest({ ...paid, method: { id: 3, kind: 'cash', terminal: 'none', device: null } }))).toBe('KASSA_NOTHING_DUE');
    const byHand = { ...request, method: { id: 3, kind: 'bank' as const, terminal: 'none' as const, device: null }, amountCents: 1001 };
    expect(errorCode(() => checkPaymentRequest(byHand))).toBe('KASSA_AMOUNT_EXCEEDS_DUE');
  });

  it.each([
    ['a terminal that waits for approval', { approval: 'new' as const }, 'KASSA_DEVICE_NOT_APPROVED'],
    ['a quarantined terminal', { approval: 'quarantined' as const }, 'KASSA_DEVICE_QUARANTINED'],
    ['a TerminalId another box reports too', { sharedWith: [9] }, 'KASSA_DEVICE_DUPLICATE'],
  ])('refuses %s', (_what, change, code) => {
    expect(errorCode(() => checkPaymentRequest({ ...request, method: { ...request.method, device: { ...lane, ...change } } }))).toBe(code);
  });

  it('refuses an offline terminal', () => {
    expect(errorCode(() => checkPaymentRequest({ ...request, method: { ...request.method, device: { ...lane, online: false } } }))).toBe(
      'KASSA_DEVICE_OFFLINE',
    );
  });

  it('refuses a second transaction on a busy terminal', () => {
    expect(errorCode(() => checkPaymentRequest({ ...request, deviceActivePayments: 1 }))).toBe('KASSA_TERMINAL_BUSY');
  });

  it('refuses zero, negative and fractional amounts', () => {
    for (const amountCents of [0, -5, 1.5]) expect(errorCode(() => checkPaymentRequest({ ...request, amountCents }))).toBe('KASSA_AMOUNT');
  });

  it('refuses payments on a validated order', () => {
    expect(errorCode(() => checkPaymentRequest({ ...request, order: { ...request.order, state: 'paid' } }))).toBe('KASSA_ORDER_NOT_DRAFT');
  });
});

describe('sessions', () => {
  it('refuses a second open session on the same POS', () => {
    expect(errorCode(() => checkSessionOpen({ openSessions: 1, openingCashCents: 0 }))).toBe('KASSA_SESSION_ALREADY_OPEN');
  });

  it('closes with totals per method and the cash difference', () => {
    const closing = closeSession({
      state: 'open',
      openingCashCents: 10_000,
      countedCashCents: 12_450,
      draftOrders: [],
      payments: [
        pay({ methodId: 1, methodName: 'Cash', kind: 'cash', amountCents: 2500, state: 'done' }),
        pay({ methodId: 2, methodName: 'Card', kind: 'bank', amountCents: 1800, state: 'done' }),
        pay({ methodId: 2, methodName: 'Card', kind: 'bank', amountCents: 900, state: 'forceDone' }),
        pay({ methodId: 2, methodName: 'Card', kind: 'bank', amountCents: 700, state: 'retry' }),
      ],
    });
    expect(closing.totals).toEqual([
      { methodId: 1, methodName: 'Cash', totalCents: 2500, count: 1 },
      { methodId: 2, methodName: 'Card', totalCents: 2700, count: 2 },
    ]);
    expect(closing.expectedCashCents).toBe(12_500);
    expect(closing.cashDifferenceCents).toBe(-50);
    expect(closing.differenceApprovedBy).toBeNull();
  });

  it('refuses to close with draft orders or twice', () => {
    const base = { openingCashCents: 0, countedCashCents: 0, payments: [] };
    expect(errorCode(() => closeSession({ ...base, state: 'open', draftOrders: ['o-1'] }))).toBe('KASSA_SESSION_ORDERS_OPEN');
    expect(errorCode(() => closeSession({ ...base, state: 'closed', draftOrders: [] }))).toBe('KASSA_SESSION_CLOSED');
  });
});
