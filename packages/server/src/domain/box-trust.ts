/**
 * The server believes a box only about what it asked that box (DESIGN.md, Security rules). A box
 * event about a payment is taken only when it names the terminal the payment's start command went
 * to; when it names a transaction, the payment's own (the one derived from its UUID, which the box
 * reports sending); once the box has reported sending it, every event must name it; and the report
 * of sending it must carry the requested amount. Anything else is kept in the payment's history as
 * refused, with the reason, and changes nothing.
 */
import { transactionIdFromUuid } from '@kassa/contract';
import { KassaError } from './errors.js';

/** Why a box event about a payment was not believed. */
export type DistrustCode = 'OTHER_TERMINAL' | 'NO_TERMINAL' | 'OTHER_TRANSACTION' | 'NO_TRANSACTION' | 'OTHER_AMOUNT';

export interface Distrust {
  readonly code: DistrustCode;
  readonly reason: string;
}

/** What the server asked: the payment row as it stands. */
export interface AskedPayment {
  /** The payment's (or refund's) UUID: its TransactionId is derived from it. */
  readonly uuid: string;
  readonly amountCents: number;
  /** The TerminalId of the device the start command named; null when it named none. */
  readonly terminalId: string | null;
  /** The TransactionId the box reported sending; null until it did. */
  readonly transactionId: string | null;
}

/** The part of a box event that says which terminal, transaction and amount it is about. */
export interface EventClaim {
  readonly kind: string;
  readonly terminalId: string;
  /** Carried by transactionSent and transactionResult, and by every other event about the transaction a box names it on. */
  readonly transactionId?: string;
  /** Carried by transactionSent: the amount the box asked the terminal for. */
  readonly sentAmountCents?: number;
  /**
   * A refusal of a cancel, a recovery or a release: the box says it did nothing with the terminal,
   * so it names no transaction, and it moves no money (the payment stays where it is).
   */
  readonly didNothing?: boolean;
}

/** Null when the event may be applied; otherwise why it may not. */
export function distrust({ payment, claim }: { payment: AskedPayment; claim: EventClaim }): Distrust | null {
  if (payment.terminalId === null) return { code: 'NO_TERMINAL', reason: `${claim.kind} refused: the server sent this payment to no terminal` };
  if (claim.terminalId !== payment.terminalId) {
    return { code: 'OTHER_TERMINAL', reason: `${claim.kind} refused: it names terminal ${claim.terminalId}, the payment was sent to ${payment.terminalId}` };
  }
  const own = payment.transactionId ?? transactionIdFromUuid(payment.uuid).toString();
  if (claim.transactionId !== undefined && claim.transactionId !== own) {
    return { code: 'OTHER_TRANSACTION', reason: `${claim.kind} refused: it names transaction ${claim.transactionId}, this payment's is ${own}` };
  }
  if (claim.transactionId === undefined && payment.transactionId !== null && claim.didNothing !== true) {
    return { code: 'NO_TRANSACTION', reason: `${claim.kind} refused: it names no transaction, and the box sent ${payment.transactionId}` };
  }
  if (claim.sentAmountCents !== undefined && claim.sentAmountCents !== payment.amountCents) {
    return {
      code: 'OTHER_AMOUNT',
      reason: `${claim.kind} refused: it reports ${claim.sentAmountCents} cents sent, the payment asked for ${payment.amountCents}`,
    };
  }
  return null;
}

/**
 * Whether an Approved result approved another amount than requested. The amount the terminal
 * approved is the amount paid; a result that names no amount approved the one it was sent.
 */
export function approvedOtherAmount({ requestedCents, approvedCents }: { requestedCents: number; approvedCents: number | null }): boolean {
  return approvedCents !== null && approvedCents !== requestedCents;
}

/**
 * The amount a terminal approved for a payment it put in `mismatch`: the amount of the last
 * approvedOtherAmount entry of its history; null when there is none.
 */
export function approvedAmountOf(history: readonly { readonly event: string; readonly data?: unknown }[]): number | null {
  for (let i = history.length - 1; i >= 0; i--) {
    const entry = history[i]!;
    if (entry.event !== 'approvedOtherAmount') continue;
    const amount = (entry.data as { amountCents?: unknown } | null | undefined)?.amountCents;
    return typeof amount === 'number' && Number.isSafeInteger(amount) && amount >= 0 ? amount : null;
  }
  return null;
}

/**
 * What a mismatch settled as paid by hand counts: the amount the terminal approved, never the one
 * requested, so the order can never validate on the requested amount. Counting more than was asked
 * is refused when it would pay the order beyond its total, and always for a refund: the difference
 * is given back on the terminal, and the line marked failed.
 */
export function mismatchCountedCents(line: {
  kind: 'payment' | 'refund';
  requestedCents: number;
  approvedCents: number | null;
  otherPaidCents: number;
  totalCents: number;
}): number {
  if (line.approvedCents === null) throw new KassaError('KASSA_PAYMENT_STATE', 'The amount the terminal approved is not recorded: mark the payment failed.');
  if (line.approvedCents <= line.requestedCents) return line.approvedCents;
  if (line.kind === 'refund' || line.otherPaidCents + line.approvedCents > line.totalCents) {
    throw new KassaError(
      'KASSA_AMOUNT_EXCEEDS_DUE',
      'The terminal approved more than is due: give the difference back on the terminal, then mark the payment failed.',
      {
        amountCents: line.approvedCents,
        dueCents: Math.max(0, line.totalCents - line.otherPaidCents),
      },
    );
  }
  return line.approvedCents;
}
