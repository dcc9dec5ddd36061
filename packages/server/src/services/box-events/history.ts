import type { BoxEventOf, PaymentBoxEvent, Ticket } from '@kassa/contract';
import type { PaymentEvent } from '../../domain/payment-states.js';
import { refusalEvent, resultEvent, stageEvent } from '../../domain/payment-states.js';
import { approvedOtherAmount } from '../../domain/box-trust.js';
import type { EventClaim } from '../../domain/box-trust.js';
import type { Payment } from '../../repos/payments.js';

/** One box event as the payment history keeps it: the table event, the text, the data and the tickets. */
export interface PaymentChange {
  readonly event: PaymentEvent;
  readonly message: string | null;
  readonly data: Record<string, unknown>;
  readonly tickets: readonly { type: string; text: string }[];
}

/** The table event, history text and data of one box event. */
export function describeChange(event: PaymentBoxEvent, payment: Payment): PaymentChange {
  const none: readonly { type: string; text: string }[] = [];
  switch (event.kind) {
    case 'transactionSent':
      return {
        event: 'accepted',
        message: null,
        data: { terminalId: event.terminalId, transactionId: event.transactionId, amountCents: event.amountCents },
        tickets: none,
      };
    case 'commandRefused':
      return {
        event: refusalEvent(event.commandKind),
        message: `${event.code}: ${event.message}`,
        data: { commandKind: event.commandKind, code: event.code },
        tickets: none,
      };
    case 'transactionStage':
      return { event: stageEvent(event.stage), message: event.stage, data: { stage: event.stage, stageId: event.stageId }, tickets: none };
    case 'transactionMessage':
      return { event: 'message', message: event.text, data: {}, tickets: none };
    case 'cancelAnswer':
      return {
        event: event.accepted ? 'cancelAccepted' : 'cancelRefused',
        message: event.accepted ? 'The terminal accepted the cancel.' : 'The terminal refused the cancel.',
        data: { accepted: event.accepted, resultCode: event.resultCode },
        tickets: none,
      };
    case 'transactionResult':
      return describeResult(event, payment);
    case 'transactionUnknown':
      return { event: 'lost', message: event.reason, data: {}, tickets: none };
    case 'transactionNotRun':
      return { event: 'notRun', message: event.reason, data: {}, tickets: none };
  }
}

function describeResult(event: BoxEventOf<'transactionResult'>, payment: Payment): PaymentChange {
  const parts = [event.recovered ? `${event.result} (recovered from the terminal)` : event.result];
  // The terminal's amount is what was charged; a difference is shown, never corrected by guess.
  if (event.amountCents !== null && event.amountCents !== payment.amountCents)
    parts.push(`terminal amount ${event.amountCents} cents, requested ${payment.amountCents}`);
  const kind = resultEvent(event.result);
  // An approval of another amount paid that amount, not the one requested: a person settles it.
  const otherAmount = kind === 'approved' && approvedOtherAmount({ requestedCents: payment.amountCents, approvedCents: event.amountCents });
  return {
    event: otherAmount ? 'approvedOtherAmount' : kind,
    message: parts.join('; '),
    data: {
      result: event.result,
      resultId: event.resultId,
      transactionId: event.transactionId,
      amountCents: event.amountCents,
      authorisationCode: event.authorisationCode,
      cardBrand: event.cardBrand,
      recovered: event.recovered,
      tickets: event.tickets.length,
    },
    tickets: event.tickets.map(ticketRecord),
  };
}

/** The change the server records itself when a box's link drops with the payment running. */
export const LINK_LOST: PaymentChange = { event: 'lost', message: 'The link to the box dropped; waiting for the box to report.', data: {}, tickets: [] };

/** The terminal, transaction and amount a payment event names, for the trust check. */
export function claimOf(event: PaymentBoxEvent): EventClaim {
  if (event.kind === 'transactionSent')
    return { kind: event.kind, terminalId: event.terminalId, transactionId: event.transactionId, sentAmountCents: event.amountCents };
  if ('transactionId' in event && event.transactionId !== undefined)
    return { kind: event.kind, terminalId: event.terminalId, transactionId: event.transactionId };
  // "Terminal offline", "busy"…: the answer to a cancel or "Check again" is shown, never distrusted.
  if (event.kind === 'commandRefused' && event.commandKind !== 'startTransaction') return { kind: event.kind, terminalId: event.terminalId, didNothing: true };
  return { kind: event.kind, terminalId: event.terminalId };
}

/** TicketType 1 is the merchant's copy, 2 the cardholder's (the receipt prints the latter). */
function ticketRecord(ticket: Ticket): { type: string; text: string } {
  const type = ticket.type === 1 ? 'merchant' : ticket.type === 2 ? 'cardholder' : ticket.type === null ? 'unspecified' : `type${ticket.type}`;
  const text = [ticket.header, ticket.text, ticket.footer].filter((part): part is string => part !== null && part !== '').join('\n');
  return { type, text };
}
