import { describe, expect, it } from 'vitest';
import { approvedOtherAmount, distrust } from './box-trust.js';

const payment = { amountCents: 301, terminalId: 'T1', transactionId: null };

describe('distrust', () => {
  it('believes an event naming the payment terminal before any transaction was reported sent', () => {
    expect(distrust({ payment, claim: { kind: 'transactionResult', terminalId: 'T1', transactionId: '5' } })).toBeNull();
    expect(distrust({ payment, claim: { kind: 'transactionStage', terminalId: 'T1' } })).toBeNull();
  });

  it('refuses another terminal, and a payment sent to none', () => {
    expect(distrust({ payment, claim: { kind: 'transactionResult', terminalId: 'NOT-THE-TERMINAL' } })?.code).toBe('OTHER_TERMINAL');
    expect(distrust({ payment: { ...payment, terminalId: null }, claim: { kind: 'transactionStage', terminalId: 'T1' } })?.code).toBe('NO_TERMINAL');
  });

  it('refuses another transaction once one was reported sent', () => {
    const sent = { ...payment, transactionId: '5' };
    expect(distrust({ payment: sent, claim: { kind: 'transactionResult', terminalId: 'T1', transactionId: '6' } })?.code).toBe('OTHER_TRANSACTION');
    expect(distrust({ payment: sent, claim: { kind: 'transactionResult', terminalId: 'T1', transactionId: '5' } })).toBeNull();
    // Events that carry no transaction id are checked by their terminal.
    expect(distrust({ payment: sent, claim: { kind: 'transactionStage', terminalId: 'T1' } })).toBeNull();
  });

  it('refuses a report of sending another amount than asked', () => {
    expect(distrust({ payment, claim: { kind: 'transactionSent', terminalId: 'T1', transactionId: '5', sentAmountCents: 1 } })?.code).toBe('OTHER_AMOUNT');
    expect(distrust({ payment, claim: { kind: 'transactionSent', terminalId: 'T1', transactionId: '5', sentAmountCents: 301 } })).toBeNull();
  });
});

describe('approvedOtherAmount', () => {
  it('is true only when the terminal names an amount and it differs', () => {
    expect(approvedOtherAmount({ requestedCents: 301, approvedCents: 1 })).toBe(true);
    expect(approvedOtherAmount({ requestedCents: 301, approvedCents: 301 })).toBe(false);
    expect(approvedOtherAmount({ requestedCents: 301, approvedCents: null })).toBe(false);
  });
});
