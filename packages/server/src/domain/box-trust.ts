/**
 * The server believes a box only about what it asked that box (DESIGN.md, Security rules). A box
 * event about a payment is taken only when it names the terminal the payment's start command went
 * to and, once the box has reported sending the transaction, that transaction (and, in the report
 * of sending it, the requested amount). Anything else is kept in the payment's history as refused,
 * with the reason, and changes nothing.
 */

/** Why a box event about a payment was not believed. */
export type DistrustCode = 'OTHER_TERMINAL' | 'NO_TERMINAL' | 'OTHER_TRANSACTION' | 'OTHER_AMOUNT';

export interface Distrust {
  readonly code: DistrustCode;
  readonly reason: string;
}

/** What the server asked: the payment row as it stands. */
export interface AskedPayment {
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
}

/** Null when the event may be applied; otherwise why it may not. */
export function distrust({ payment, claim }: { payment: AskedPayment; claim: EventClaim }): Distrust | null {
  if (payment.terminalId === null) return { code: 'NO_TERMINAL', reason: `${claim.kind} refused: the server sent this payment to no terminal` };
  if (claim.terminalId !== payment.terminalId) {
    return { code: 'OTHER_TERMINAL', reason: `${claim.kind} refused: it names terminal ${claim.terminalId}, the payment was sent to ${payment.terminalId}` };
  }
  if (claim.transactionId !== undefined && payment.transactionId !== null && claim.transactionId !== payment.transactionId) {
    return { code: 'OTHER_TRANSACTION', reason: `${claim.kind} refused: it names transaction ${claim.transactionId}, the box sent ${payment.transactionId}` };
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
