import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import {
  ACTIVE_STATES,
  CANCELLABLE_STATES,
  FINAL_STATES,
  NEEDS_A_PERSON_STATES,
  PAID_STATES,
  PAYMENT_STATES,
  PaymentState,
  RUNNING_STATES,
  SETTLED_STATES,
  UNSETTLED_STATES,
  VOID_STATES,
} from './payment-states.js';

const sorted = (states: readonly string[]) => [...states].sort();

describe('payment states', () => {
  it('splits every state into exactly one of active, waiting for a person, paid and void', () => {
    const groups = [ACTIVE_STATES, NEEDS_A_PERSON_STATES, PAID_STATES, VOID_STATES];
    expect(sorted(groups.flat())).toEqual(sorted(PAYMENT_STATES));
    expect(new Set(groups.flat()).size).toBe(PAYMENT_STATES.length);
  });

  it('settles a line exactly when it is not unsettled, and finishes it exactly when it is not active', () => {
    expect(sorted([...SETTLED_STATES, ...UNSETTLED_STATES])).toEqual(sorted(PAYMENT_STATES));
    expect(SETTLED_STATES.filter((state) => UNSETTLED_STATES.includes(state))).toEqual([]);
    expect(sorted([...FINAL_STATES, ...ACTIVE_STATES])).toEqual(sorted(PAYMENT_STATES));
  });

  it('cancels and expects news from a terminal only in active states', () => {
    for (const state of [...CANCELLABLE_STATES, ...RUNNING_STATES]) expect(ACTIVE_STATES).toContain(state);
  });

  it('accepts every state of the list in the schema and nothing else', () => {
    for (const state of PAYMENT_STATES) expect(Value.Check(PaymentState, state)).toBe(true);
    expect(Value.Check(PaymentState, 'settled')).toBe(false);
  });
});
