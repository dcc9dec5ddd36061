import { transactionIdFromUuid } from '@kassa/contract';
import { describe, expect, it } from 'vitest';
import { approvedOtherAmount, distrust } from './box-trust.js';

const uuid = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
/** The payment's own transaction: the one a box derives from its UUID. */
const own = transactionIdFromUuid(uuid).toString();
const payment = { uuid, amountCents: 301, terminalId: 'T1', transactionId: null };
const sent = { ...payment, transactionId: own };

describe('distrust', () => {
  it('believes an event naming the payment terminal and its own transaction, or none before it was reported sent', () => {
    expect(distrust({ payment, claim: { kind: 'transactionResult', terminalId: 'T1', transactionId: own } })).toBeNull();
    expect(distrust({ payment, claim: { kind: 'transactionStage', terminalId: 'T1' } })).toBeNull();
    expect(distrust({ payment, claim: { kind: 'transactionNotRun', terminalId: 'T1' } })).toBeNull();
  });

  it('refuses another terminal, and a payment sent to none', () => {
    expect(distrust({ payment, claim: { kind: 'transactionResult', terminalId: 'NOT-THE-TERMINAL' } })?.code).toBe('OTHER_TERMINAL');
    expect(distrust({ payment: { ...payment, terminalId: null }, claim: { kind: 'transactionStage', terminalId: 'T1' } })?.code).toBe('NO_TERMINAL');
  });

  it('refuses another transaction than the payment’s own, before and after it was reported sent', () => {
    const forged = distrust({ payment, claim: { kind: 'transactionResult', terminalId: 'T1', transactionId: '4242' } });
    expect(forged).toEqual({ code: 'OTHER_TRANSACTION', reason: `transactionResult refused: it names transaction 4242, this payment's is ${own}` });
    expect(distrust({ payment, claim: { kind: 'transactionSent', terminalId: 'T1', transactionId: '4242', sentAmountCents: 301 } })?.code).toBe(
      'OTHER_TRANSACTION',
    );
    expect(distrust({ payment: sent, claim: { kind: 'transactionResult', terminalId: 'T1', transactionId: '6' } })?.code).toBe('OTHER_TRANSACTION');
    expect(distrust({ payment: sent, claim: { kind: 'transactionResult', terminalId: 'T1', transactionId: own } })).toBeNull();
  });

  it.each(['transactionStage', 'transactionMessage', 'cancelAnswer', 'transactionUnknown', 'transactionNotRun'])(
    'refuses %s that names no transaction once the box reported sending one',
    (kind) => {
      expect(distrust({ payment: sent, claim: { kind, terminalId: 'T1' } })).toEqual({
        code: 'NO_TRANSACTION',
        reason: `${kind} refused: it names no transaction, and the box sent ${own}`,
      });
      expect(distrust({ payment: sent, claim: { kind, terminalId: 'T1', transactionId: own } })).toBeNull();
    },
  );

  it('believes a refused cancel, recovery or release (the box did nothing) that names no transaction, but not a refused start', () => {
    expect(distrust({ payment: sent, claim: { kind: 'commandRefused', terminalId: 'T1', didNothing: true } })).toBeNull();
    expect(distrust({ payment: sent, claim: { kind: 'commandRefused', terminalId: 'T1' } })?.code).toBe('NO_TRANSACTION');
    expect(distrust({ payment: sent, claim: { kind: 'commandRefused', terminalId: 'T2', didNothing: true } })?.code).toBe('OTHER_TERMINAL');
  });

  it('refuses a report of sending another amount than asked', () => {
    expect(distrust({ payment, claim: { kind: 'transactionSent', terminalId: 'T1', transactionId: own, sentAmountCents: 1 } })?.code).toBe('OTHER_AMOUNT');
    expect(distrust({ payment, claim: { kind: 'transactionSent', terminalId: 'T1', transactionId: own, sentAmountCents: 301 } })).toBeNull();
  });
});

describe('approvedOtherAmount', () => {
  it('is true only when the terminal names an amount and it differs', () => {
    expect(approvedOtherAmount({ requestedCents: 301, approvedCents: 1 })).toBe(true);
    expect(approvedOtherAmount({ requestedCents: 301, approvedCents: 301 })).toBe(false);
    expect(approvedOtherAmount({ requestedCents: 301, approvedCents: null })).toBe(false);
  });
});
