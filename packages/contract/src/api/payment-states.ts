import { LiteralUnion } from './common.js';

/*
 * The states of a payment line and their named sets, defined once. Four groups split every state:
 * active (a terminal may be charging), waiting for a person (mismatch), paid and void. Each set below
 * is a union of groups, so a new state is one entry in one group. How a line moves between states
 * (the transition table) is the server's rule: server/src/domain/payment-states.ts.
 */

/** A terminal may be charging the card right now, or its answer is not known yet. */
const ACTIVE = ['pending', 'waiting', 'waitingCard', 'waitingCancel', 'unknown'] as const;
/** The terminal approved another amount than the one requested: a manager settles it by hand. */
const NEEDS_A_PERSON = ['mismatch'] as const;
/** Money counts as received. */
const PAID = ['done', 'forceDone'] as const;
/** No money was taken and none can still be. */
const VOID = ['retry', 'failed'] as const;

/**
 * The active states a cashier may cancel: the terminal has not answered yet. The server's
 * transition table has a `cancel` cell in exactly these (a test there holds them together).
 */
const CANCELLABLE = ['pending', 'waiting', 'waitingCard'] as const satisfies readonly ActiveState[];
/** The active states in which the terminal runs the payment and ought to be sending news. */
const RUNNING = ['waiting', 'waitingCard'] as const satisfies readonly ActiveState[];

/** Every payment state, in the order the screens list them. */
export const PAYMENT_STATES = [...ACTIVE, ...NEEDS_A_PERSON, ...PAID, ...VOID] as const;
export type PaymentState = (typeof PAYMENT_STATES)[number];
export const PaymentState = LiteralUnion(PAYMENT_STATES);

export type ActiveState = (typeof ACTIVE)[number];
export type PaidState = (typeof PAID)[number];
export type VoidState = (typeof VOID)[number];
export type CancellableState = (typeof CANCELLABLE)[number];
export type RunningState = (typeof RUNNING)[number];
/** Paid or void: nothing will change it any more. */
export type SettledState = PaidState | VoidState;

/** States in which a terminal may be charging the card right now. */
export const ACTIVE_STATES: readonly PaymentState[] = ACTIVE;
/** States a cashier may cancel. */
export const CANCELLABLE_STATES: readonly PaymentState[] = CANCELLABLE;
/** States in which the terminal runs the payment and ought to be sending news. */
export const RUNNING_STATES: readonly PaymentState[] = RUNNING;
/** States only a person can settle (the terminal approved another amount than the one requested). */
export const NEEDS_A_PERSON_STATES: readonly PaymentState[] = NEEDS_A_PERSON;
/** States in which money counts as received. */
export const PAID_STATES: readonly PaymentState[] = PAID;
/** States in which no money was taken and none can still be: the line is void. */
export const VOID_STATES: readonly PaymentState[] = VOID;
/** Paid or void: nothing will change the line any more. */
export const SETTLED_STATES: readonly PaymentState[] = [...PAID, ...VOID];
/** States the terminal is done with: no start command may reach it again, and box events only add to the history. */
export const FINAL_STATES: readonly PaymentState[] = [...PAID, ...VOID, ...NEEDS_A_PERSON];
/**
 * States that are neither paid nor void: a terminal may be charging, or it charged what a person
 * must settle (mismatch). An order with such a line can be neither validated nor cancelled, and its
 * amount is not due again.
 */
export const UNSETTLED_STATES: readonly PaymentState[] = [...ACTIVE, ...NEEDS_A_PERSON];

export function isPaymentState(value: string): value is PaymentState {
  return (PAYMENT_STATES as readonly string[]).includes(value);
}
