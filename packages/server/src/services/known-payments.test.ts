import { describe, expect, it } from 'vitest';
import type { PaymentState } from '../domain/payment-states.js';
import type { Payment } from '../repos/payments.js';
import { KnownPayments } from './known-payments.js';

const at = new Date('2026-12-04T10:00:00.000Z');
function payment(uuid: string, state: PaymentState = 'waiting'): Payment {
  return {
    uuid,
    orderId: 'o',
    methodId: 1,
    amountCents: 1250,
    state,
    requestHash: 'h',
    deviceId: 1,
    boxId: 'b',
    terminalId: 'T1',
    transactionId: null,
    createdBy: 1,
    createdAt: at,
    updatedAt: at,
    settledBy: null,
    settleReason: null,
    approvedBy: null,
    tenderedCents: null,
    changeCents: null,
    kind: 'payment',
  };
}

describe('KnownPayments', () => {
  it('recalls the payments it knows with their versions, and names those it does not', () => {
    const known = new KnownPayments();
    known.remember(payment('a'), '10');
    known.remember(payment('b', 'waitingCard'), '11');
    const recalled = known.recall(['a', 'b', 'c']);
    expect(recalled.versions).toEqual(
      new Map([
        ['a', '10'],
        ['b', '11'],
      ]),
    );
    expect(recalled.payments.get('b')?.state).toBe('waitingCard');
    expect(recalled.unknown).toEqual(['c']);
  });

  it('keeps the newest write of a payment and forgets it once settled', () => {
    const known = new KnownPayments();
    known.remember(payment('a'), '10');
    known.remember(payment('a', 'waitingCard'), '12');
    expect(known.recall(['a']).versions.get('a')).toBe('12');
    known.remember(payment('a', 'done'), '13');
    expect(known.recall(['a']).unknown).toEqual(['a']);
    expect(known.size).toBe(0);
  });

  it('drops the payment written longest ago beyond its limit, and forgets on demand', () => {
    const known = new KnownPayments(2);
    known.remember(payment('a'), '1');
    known.remember(payment('b'), '2');
    known.remember(payment('a'), '3');
    known.remember(payment('c'), '4');
    expect(known.recall(['b']).unknown).toEqual(['b']);
    expect(known.recall(['a', 'c']).versions).toEqual(
      new Map([
        ['a', '3'],
        ['c', '4'],
      ]),
    );
    known.forget(['a']);
    expect(known.recall(['a']).unknown).toEqual(['a']);
    known.clear();
    expect(known.size).toBe(0);
  });

  it('returns copies a batch may change without changing what it remembers', () => {
    const known = new KnownPayments();
    known.remember(payment('a'), '1');
    known.recall(['a']).payments.set('a', payment('a', 'done'));
    expect(known.recall(['a']).payments.get('a')?.state).toBe('waiting');
  });
});
