import type { PaymentDetail, PaymentState } from '@kassa/contract';
import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../test-support/payments.js';
import { detail as paymentDetail, entry as historyEntry } from '../test-support/payments.js';
import { approvedOtherCents, paymentStatus, settlementApprover } from './paymentStatus.js';

const at = '2026-01-01T10:00:00.000Z';
type Entry = HistoryEntry;
const entry = (event: string, toState: PaymentState, extra: Partial<Entry> = {}): Entry => historyEntry(at, event, toState, extra);
const detail = (state: PaymentState, history: Entry[]): PaymentDetail => paymentDetail(state, history, at);

describe('paymentStatus', () => {
  it('says an approval of another amount is neither paid nor settled, and what the terminal approved', () => {
    const mismatch = detail('mismatch', [entry('approvedOtherAmount', 'mismatch', { data: { result: 'Approved', amountCents: 1 } })]);
    expect(paymentStatus(mismatch)).toMatchObject({ key: 'state.mismatch', settled: false, paid: false });
    expect(approvedOtherCents(mismatch)).toBe(1);
    expect(approvedOtherCents(detail('done', []))).toBeNull();
  });

  it('says why a line was not paid and what to do, for each result of the terminal', () => {
    const notPaid = (result: string) => paymentStatus(detail('retry', [entry('declined', 'retry', { data: { result } })]));
    expect(notPaid('Declined')).toMatchObject({ key: 'result.declined', hint: 'hint.declined' });
    expect(notPaid('Stopped')).toMatchObject({ key: 'result.stopped', hint: 'hint.stopped' });
    expect(notPaid('Error')).toMatchObject({ key: 'result.error', hint: 'hint.error' });
    expect(notPaid('TechnicalProblem')).toMatchObject({ key: 'result.technical', hint: 'hint.technical' });
    expect(paymentStatus(detail('done', [])).hint).toBeNull();
  });

  it('says what the terminal waits for: the card, then the PIN, then processing', () => {
    expect(paymentStatus(detail('waitingCard', [entry('stage', 'waitingCard', { data: { stage: 'WaitingForCard' } })])).key).toBe('stage.card');
    expect(paymentStatus(detail('waitingCard', [entry('stage', 'waitingCard', { data: { stage: 'WaitingForPin' } })])).key).toBe('stage.pin');
    expect(
      paymentStatus(
        detail('waitingCard', [
          entry('stage', 'waitingCard', { data: { stage: 'WaitingForPin' } }),
          entry('progress', 'waitingCard', { data: { stage: 'WaitingForTransaction' } }),
        ]),
      ).key,
    ).toBe('stage.processing');
  });

  it('names the result of a payment that was not paid: declined, stopped, technical problem, refused', () => {
    expect(paymentStatus(detail('retry', [entry('declined', 'retry', { data: { result: 'Declined' } })])).key).toBe('result.declined');
    expect(paymentStatus(detail('retry', [entry('declined', 'retry', { data: { result: 'Stopped' } })])).key).toBe('result.stopped');
    expect(paymentStatus(detail('retry', [entry('declined', 'retry', { data: { result: 'TechnicalProblem' } })])).key).toBe('result.technical');
    expect(paymentStatus(detail('retry', [entry('refused', 'retry', { message: 'TERMINAL_BUSY: busy' })])).key).toBe('result.refused');
  });

  it('keeps the terminal’s own messages in order and tells settled from running', () => {
    const status = paymentStatus(
      detail('done', [
        entry('message', 'waitingCard', { message: 'Present card' }),
        entry('message', 'waitingCard', { message: 'Enter PIN' }),
        entry('approved', 'done'),
      ]),
    );
    expect(status).toEqual({ key: 'state.done', terminalMessages: ['Present card', 'Enter PIN'], settled: true, paid: true, hint: null });
    expect(paymentStatus(detail('unknown', [entry('lost', 'unknown')]))).toMatchObject({ key: 'state.unknown', settled: false, paid: false });
  });

  it('says "sent to the terminal" until the terminal reports a stage', () => {
    expect(paymentStatus(detail('waiting', [entry('accepted', 'waiting')])).key).toBe('state.waiting');
    expect(paymentStatus(detail('pending', [])).key).toBe('state.pending');
  });
});

describe('settlementApprover', () => {
  it('names the manager who approved a settlement by hand, and nobody for a payment the terminal settled', () => {
    const forced = entry('forceDone', 'forceDone', { source: 'user', userId: 3, message: 'ticket seen', data: { approvedBy: { id: 2, username: 'manon' } } });
    expect(settlementApprover(detail('forceDone', [entry('lost', 'unknown'), forced]))).toBe('manon');
    expect(settlementApprover(detail('done', [entry('approved', 'done')]))).toBeNull();
  });
});
