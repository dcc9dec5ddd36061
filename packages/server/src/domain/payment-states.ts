import type { PaymentState } from '@kassa/contract';
import { KassaError } from './errors.js';

// The states and their named sets are the contract's, shared with the web and other clients; the
// rules of this package read them from here.
export {
  ACTIVE_STATES,
  CANCELLABLE_STATES,
  FINAL_STATES,
  isPaymentState,
  NEEDS_A_PERSON_STATES,
  PAID_STATES,
  PAYMENT_STATES,
  SETTLED_STATES,
  UNSETTLED_STATES,
  VOID_STATES,
} from '@kassa/contract';
export type { PaymentState } from '@kassa/contract';

/** A payment line as the order rules see it. */
export interface PaymentLineView {
  readonly uuid: string;
  readonly amountCents: number;
  readonly state: PaymentState;
  readonly deviceId: number | null;
}

/**
 * What moves a payment line. Box events come from the terminal through the box; user events are
 * buttons pressed by a cashier or calls of an API client.
 */
export const BOX_EVENTS = [
  'accepted',
  'stage',
  'progress',
  'message',
  'approved',
  'approvedOtherAmount',
  'declined',
  'refused',
  'cancelAccepted',
  'cancelRefused',
  'recoverRefused',
  'lost',
  'notRun',
  'untrusted',
] as const;
export const USER_EVENTS = ['cancel', 'recover', 'forceDone', 'markFailed'] as const;
export type BoxPaymentEvent = (typeof BOX_EVENTS)[number];
export type UserPaymentEvent = (typeof USER_EVENTS)[number];
export type PaymentEvent = BoxPaymentEvent | UserPaymentEvent;

/**
 * THE payment-line state table: from-state × event → to-state. Code and tests read this one
 * object. A missing cell means "does not apply": a user event there is refused
 * (KASSA_PAYMENT_STATE); a box event there is recorded in the history and changes nothing, which is
 * how late, repeated or out-of-order terminal messages stay harmless (a stage after the result, a
 * lost link after the result...).
 *
 * - accepted: the box started the TransactionRequest on the terminal.
 * - stage: the terminal waits for the customer (card, PIN, confirmation, ...).
 * - progress: any other stage (waiting for the host, finished, ...): the transaction runs; on an
 *   unknown payment it means the terminal came back to it (the box resumed it), so it runs again.
 * - message: a text the terminal shows; kept in the history only.
 * - approved / declined: the terminal's final result (declined covers Declined, Stopped, Error,
 *   TechnicalProblem). The terminal's answer, not the cancel button, decides: a result is accepted
 *   in waitingCancel and in unknown.
 * - approvedOtherAmount: the terminal approved another amount than the one requested. The amount it
 *   approved is what the card paid, so the requested amount is never counted: the line goes to
 *   mismatch, which counts as neither paid nor void, blocks the order, and waits for a manager to
 *   settle it by hand (forceDone or markFailed, with a reason).
 * - untrusted: an event the server did not ask for (another terminal than the payment's, another
 *   transaction than the one the box reported sending, another amount in that report). It is kept
 *   in the history with the reason and has no cell anywhere: it never changes a payment.
 * - refused: the box could not start the payment (terminal busy or gone); nothing was charged.
 * - cancelAccepted: the terminal answered a cancel with yes; only its final result decides, so
 *   this is kept in the history only.
 * - cancelRefused: the terminal would not stop, or the cancel could not reach it; it may still be
 *   charging.
 * - recoverRefused: the box could not ask the terminal (offline, nothing to ask about); the
 *   payment stays where it is until the terminal answers or a person settles it.
 * - notRun: recovery learnt from the terminal that it never ran this payment: nothing was charged.
 * - lost: the answer was lost (box restart, link drop); the box will ask the terminal.
 * - recover: "check again", ask the box to recover the last transaction; on a running payment the
 *   terminal went quiet on ("Ask the terminal"), the box takes its answer as lost (lost) and asks.
 * - forceDone / markFailed: settled by hand, with a reason, the user and the approving manager
 *   recorded (an override: see domain/roles.ts). Only where the terminal's outcome is truly
 *   unknown; never while the terminal may still be charging (waiting, waitingCard, waitingCancel),
 *   and never on a declined payment (retry): the terminal said it took nothing, so nothing may
 *   turn it into paid. A pending payment whose start cannot have reached the terminal may be
 *   marked failed (checkMarkFailedWhilePending).
 */
export const PAYMENT_TRANSITIONS: Readonly<Record<PaymentState, Readonly<Partial<Record<PaymentEvent, PaymentState>>>>> = {
  pending: {
    accepted: 'waiting',
    stage: 'waitingCard',
    progress: 'waiting',
    approved: 'done',
    approvedOtherAmount: 'mismatch',
    declined: 'retry',
    refused: 'retry',
    lost: 'unknown',
    notRun: 'retry',
    cancel: 'waitingCancel',
    markFailed: 'failed',
  },
  waiting: {
    stage: 'waitingCard',
    approved: 'done',
    approvedOtherAmount: 'mismatch',
    declined: 'retry',
    refused: 'retry',
    lost: 'unknown',
    notRun: 'retry',
    cancel: 'waitingCancel',
    recover: 'waiting',
  },
  waitingCard: {
    stage: 'waitingCard',
    approved: 'done',
    approvedOtherAmount: 'mismatch',
    declined: 'retry',
    lost: 'unknown',
    notRun: 'retry',
    cancel: 'waitingCancel',
    recover: 'waitingCard',
  },
  waitingCancel: { approved: 'done', approvedOtherAmount: 'mismatch', declined: 'retry', cancelRefused: 'waitingCard', lost: 'unknown', notRun: 'retry' },
  unknown: {
    stage: 'waitingCard',
    progress: 'waiting',
    approved: 'done',
    approvedOtherAmount: 'mismatch',
    declined: 'retry',
    notRun: 'retry',
    recover: 'unknown',
    forceDone: 'forceDone',
    markFailed: 'failed',
  },
  mismatch: { forceDone: 'forceDone', markFailed: 'failed' },
  retry: {},
  done: {},
  forceDone: {},
  failed: {},
};

export function nextPaymentState({ state, event }: { state: PaymentState; event: PaymentEvent }): PaymentState | null {
  return PAYMENT_TRANSITIONS[state][event] ?? null;
}

/** A user action: the next state, or KASSA_PAYMENT_STATE when the table has no cell for it. */
export function applyUserEvent({ state, event }: { state: PaymentState; event: UserPaymentEvent }): PaymentState {
  const next = nextPaymentState({ state, event });
  if (next === null) throw new KassaError('KASSA_PAYMENT_STATE', `Cannot ${event} a payment that is ${state}.`, { state, event });
  return next;
}

/** Stages (PROTOCOL.md tag 0E) in which the terminal waits for the customer: the line shows waitingCard. */
export const CUSTOMER_STAGES: readonly string[] = [
  'WaitingForCard',
  'WaitingForPin',
  'WaitingForTipInput',
  'WaitingForConfirmationService',
  'WaitingForConfirmationAmount',
  'WaitingForConfirmationServiceAndAmount',
  'WaitingForApplicationSelection',
  'CardDetected',
  'WaitingForCardRemoval',
];

/** The table event of a terminal stage: the customer's turn, or any other progress. */
export function stageEvent(stage: string): 'stage' | 'progress' {
  return CUSTOMER_STAGES.includes(stage) ? 'stage' : 'progress';
}

/**
 * The table event of a terminal's final result. Only Approved is paid; Declined, Stopped, Error and
 * TechnicalProblem took nothing. A result the protocol does not name (or TransparentMode, which is
 * no payment result) says nothing about the money, so the line goes to unknown rather than be
 * settled by guess.
 */
export function resultEvent(result: string): 'approved' | 'declined' | 'lost' {
  if (result === 'Approved') return 'approved';
  if (result === 'Declined' || result === 'Stopped' || result === 'Error' || result === 'TechnicalProblem') return 'declined';
  return 'lost';
}

/**
 * The table event of a command the box refused (nothing reached the terminal): a refused start
 * voids the line; a refused cancel means the terminal may still be charging; a refused recovery
 * changes nothing until someone learns more.
 */
export function refusalEvent(
  commandKind: 'startTransaction' | 'cancelTransaction' | 'recoverTransaction' | 'releaseTransaction',
): 'refused' | 'cancelRefused' | 'recoverRefused' {
  if (commandKind === 'startTransaction') return 'refused';
  if (commandKind === 'cancelTransaction') return 'cancelRefused';
  // A refused release (the box had nothing waiting) changes nothing, like a refused recovery.
  return 'recoverRefused';
}
