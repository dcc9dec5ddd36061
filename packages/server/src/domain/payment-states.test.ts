import { describe, expect, it } from 'vitest';
import { errorCode } from '../test-support/errors.js';
import type { PaymentEvent, PaymentState } from './payment-states.js';
import {
  ACTIVE_STATES,
  applyUserEvent,
  BOX_EVENTS,
  CANCELLABLE_STATES,
  FINAL_STATES,
  nextPaymentState,
  PAID_STATES,
  PAYMENT_STATES,
  PAYMENT_TRANSITIONS,
  refusalEvent,
  resultEvent,
  stageEvent,
  UNSETTLED_STATES,
  USER_EVENTS,
  VOID_STATES,
} from './payment-states.js';

const ALL_EVENTS: readonly PaymentEvent[] = [...BOX_EVENTS, ...USER_EVENTS];

function run(events: readonly PaymentEvent[], from: PaymentState = 'pending'): PaymentState {
  return events.reduce<PaymentState>((state, event) => nextPaymentState({ state, event }) ?? state, from);
}

describe('the payment state table', () => {
  it('has a row for every state and only known events and states in its cells', () => {
    expect(Object.keys(PAYMENT_TRANSITIONS).sort()).toEqual([...PAYMENT_STATES].sort());
    for (const row of Object.values(PAYMENT_TRANSITIONS)) {
      for (const [event, to] of Object.entries(row)) {
        expect(ALL_EVENTS).toContain(event);
        expect(PAYMENT_STATES).toContain(to);
      }
    }
  });

  it('leaves done, forceDone and failed with no way out', () => {
    for (const state of ['done', 'forceDone', 'failed'] as const) {
      for (const event of ALL_EVENTS) expect(nextPaymentState({ state, event })).toBeNull();
    }
  });

  it('never settles by hand while the terminal may still be charging', () => {
    for (const state of ['waiting', 'waitingCard', 'waitingCancel'] as const) {
      expect(errorCode(() => applyUserEvent({ state, event: 'forceDone' }))).toBe('KASSA_PAYMENT_STATE');
      expect(errorCode(() => applyUserEvent({ state, event: 'markFailed' }))).toBe('KASSA_PAYMENT_STATE');
    }
  });

  it('never settles a declined payment by hand: the terminal said it took nothing', () => {
    expect(errorCode(() => applyUserEvent({ state: 'retry', event: 'forceDone' }))).toBe('KASSA_PAYMENT_STATE');
    expect(errorCode(() => applyUserEvent({ state: 'retry', event: 'markFailed' }))).toBe('KASSA_PAYMENT_STATE');
  });

  it('settles by hand only where the outcome needs a person (unknown, or approved for another amount), or a pending start that never reached the terminal fails', () => {
    const forceDone = PAYMENT_STATES.filter((state) => nextPaymentState({ state, event: 'forceDone' }) !== null);
    const markFailed = PAYMENT_STATES.filter((state) => nextPaymentState({ state, event: 'markFailed' }) !== null);
    expect(forceDone).toEqual(['unknown', 'mismatch']);
    expect(markFailed.sort()).toEqual(['mismatch', 'pending', 'unknown']);
  });

  it('reaches every state from pending', () => {
    const seen = new Set<PaymentState>(['pending']);
    let frontier: PaymentState[] = ['pending'];
    while (frontier.length > 0) {
      frontier = frontier.flatMap((state) => Object.values(PAYMENT_TRANSITIONS[state]).filter((to) => !seen.has(to)));
      for (const state of frontier) seen.add(state);
    }
    expect([...seen].sort()).toEqual([...PAYMENT_STATES].sort());
  });

  it('lets the terminal result decide from every active state', () => {
    for (const state of ACTIVE_STATES) {
      expect(nextPaymentState({ state, event: 'approved' })).toBe('done');
      expect(nextPaymentState({ state, event: 'declined' })).toBe('retry');
    }
    expect(FINAL_STATES).toEqual(expect.arrayContaining(['done', 'retry']));
  });

  it.each<[string, PaymentEvent[], PaymentState]>([
    ['an approved payment', ['accepted', 'stage', 'stage', 'approved'], 'done'],
    ['a declined payment', ['accepted', 'stage', 'declined'], 'retry'],
    ['a cancel the terminal accepts', ['accepted', 'stage', 'cancel', 'declined'], 'retry'],
    ['a cancel the terminal refuses, then approval', ['accepted', 'stage', 'cancel', 'cancelRefused', 'approved'], 'done'],
    ['a cancel too late: the card was already charged', ['accepted', 'stage', 'cancel', 'approved'], 'done'],
    ['a lost answer recovered as approved', ['accepted', 'stage', 'lost', 'recover', 'approved'], 'done'],
    ['a lost answer settled by hand', ['accepted', 'lost', 'forceDone'], 'forceDone'],
    ['a lost answer marked failed', ['accepted', 'lost', 'markFailed'], 'failed'],
    ['a busy terminal refusing the request', ['refused'], 'retry'],
    ['a stage arriving after the result', ['accepted', 'approved', 'stage', 'lost'], 'done'],
    ['the result arriving before the acceptance', ['approved', 'accepted', 'stage'], 'done'],
    ['a repeated result', ['accepted', 'declined', 'declined', 'approved'], 'retry'],
    ['a lost answer the terminal never ran', ['accepted', 'stage', 'lost', 'recover', 'notRun'], 'retry'],
    ['a cancel the terminal said yes to, then approval', ['accepted', 'stage', 'cancel', 'cancelAccepted', 'approved'], 'done'],
    ['progress before the acceptance', ['progress', 'accepted', 'stage', 'approved'], 'done'],
    ['a recovery the box could not run', ['accepted', 'lost', 'recover', 'recoverRefused'], 'unknown'],
  ])('ends %s in the right state', (_name, events, end) => {
    expect(run(events)).toBe(end);
  });

  it('refuses user events the table has no cell for', () => {
    expect(errorCode(() => applyUserEvent({ state: 'done', event: 'cancel' }))).toBe('KASSA_PAYMENT_STATE');
    expect(errorCode(() => applyUserEvent({ state: 'pending', event: 'recover' }))).toBe('KASSA_PAYMENT_STATE');
    expect(errorCode(() => applyUserEvent({ state: 'retry', event: 'recover' }))).toBe('KASSA_PAYMENT_STATE');
    expect(applyUserEvent({ state: 'waitingCard', event: 'cancel' })).toBe('waitingCancel');
  });

  it('asks the terminal about a running payment without moving it: the box answers (lost, then recovery)', () => {
    expect(applyUserEvent({ state: 'waiting', event: 'recover' })).toBe('waiting');
    expect(applyUserEvent({ state: 'waitingCard', event: 'recover' })).toBe('waitingCard');
    expect(run(['accepted', 'stage', 'recover', 'lost', 'approved'])).toBe('done');
  });

  it('runs a lost payment again when the terminal comes back to it, at whatever stage it names', () => {
    expect(run(['accepted', 'lost', 'progress'])).toBe('waiting');
    expect(run(['accepted', 'lost', 'stage'])).toBe('waitingCard');
    // Running again, it is no longer settled by hand: the terminal may still be charging.
    expect(run(['accepted', 'lost', 'progress', 'approved'])).toBe('done');
    expect(nextPaymentState({ state: 'waiting', event: 'forceDone' })).toBeNull();
  });

  it('keeps messages and cancel answers in the history only, in every state', () => {
    for (const state of PAYMENT_STATES) {
      expect(nextPaymentState({ state, event: 'message' })).toBeNull();
      expect(nextPaymentState({ state, event: 'cancelAccepted' })).toBeNull();
      expect(nextPaymentState({ state, event: 'recoverRefused' })).toBeNull();
    }
  });

  it('sends an approval of another amount to mismatch from every active state, which only a person settles', () => {
    for (const state of ACTIVE_STATES) expect(nextPaymentState({ state, event: 'approvedOtherAmount' })).toBe('mismatch');
    for (const event of BOX_EVENTS) expect(nextPaymentState({ state: 'mismatch', event })).toBeNull();
    expect(applyUserEvent({ state: 'mismatch', event: 'forceDone' })).toBe('forceDone');
    expect(applyUserEvent({ state: 'mismatch', event: 'markFailed' })).toBe('failed');
    expect(errorCode(() => applyUserEvent({ state: 'mismatch', event: 'cancel' }))).toBe('KASSA_PAYMENT_STATE');
    expect(errorCode(() => applyUserEvent({ state: 'mismatch', event: 'recover' }))).toBe('KASSA_PAYMENT_STATE');
  });

  it('never counts a mismatched line as paid or void, and holds it among the unsettled', () => {
    expect(PAID_STATES).not.toContain('mismatch');
    expect(VOID_STATES).not.toContain('mismatch');
    expect(ACTIVE_STATES).not.toContain('mismatch');
    expect(UNSETTLED_STATES).toContain('mismatch');
  });

  it('lets a cashier cancel in exactly the contract’s cancellable states', () => {
    expect(PAYMENT_STATES.filter((state) => PAYMENT_TRANSITIONS[state].cancel !== undefined)).toEqual(
      PAYMENT_STATES.filter((state) => CANCELLABLE_STATES.includes(state)),
    );
  });

  it('changes no state on an untrusted box event', () => {
    for (const state of PAYMENT_STATES) expect(nextPaymentState({ state, event: 'untrusted' })).toBeNull();
  });

  it('voids a line the terminal never ran from every active state', () => {
    for (const state of ACTIVE_STATES) expect(nextPaymentState({ state, event: 'notRun' })).toBe('retry');
  });
});

describe('terminal reports as table events', () => {
  it('shows waitingCard only while the customer has something to do', () => {
    expect(stageEvent('WaitingForCard')).toBe('stage');
    expect(stageEvent('WaitingForPin')).toBe('stage');
    expect(stageEvent('WaitingForTransaction')).toBe('progress');
    expect(stageEvent('Finished')).toBe('progress');
    expect(stageEvent('Stage77')).toBe('progress');
  });

  it('counts only Approved as paid and never guesses at an unnamed result', () => {
    expect(resultEvent('Approved')).toBe('approved');
    for (const result of ['Declined', 'Stopped', 'Error', 'TechnicalProblem']) expect(resultEvent(result)).toBe('declined');
    expect(resultEvent('Unknown')).toBe('lost');
    expect(resultEvent('TransparentMode')).toBe('lost');
  });

  it('maps a refused command to what it means for the money', () => {
    expect(refusalEvent('startTransaction')).toBe('refused');
    expect(refusalEvent('cancelTransaction')).toBe('cancelRefused');
    expect(refusalEvent('recoverTransaction')).toBe('recoverRefused');
  });
});
