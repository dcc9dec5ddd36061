import type { BoxEvent, BoxEventMessage, Ticket, TransactionResultName } from '@kassa/contract';
import { checkBoxEvent, transactionIdFromUuid } from '@kassa/contract';
import { getPayment } from '../repos/payments.js';
import { applyBoxEvents } from '../services/box-events/apply.js';
import type { BoxEventOutcome } from '../services/box-events/outcome.js';
import type { ServiceContext } from '../services/context.js';

/** What the box says about a payment, in the words of the payment history. */
export type BoxReport = 'accepted' | 'approved' | 'declined' | 'lost';

export interface BoxReportOptions {
  /** The event id; unique per box. */
  readonly eventId: string;
  /** The terminal's result name (a result of 'approved' or 'declined'); by default Approved or Declined. */
  readonly result?: TransactionResultName;
  /** The amount the terminal reports with a result; null (none) by default. */
  readonly amountCents?: number | null;
  readonly recovered?: boolean;
  readonly tickets?: readonly Ticket[];
}

/**
 * Applies one payment event as the payment's box would send it on its link: a contract event about
 * the terminal the payment was sent to (and, after `accepted`, the transaction it reported), taken
 * by the same batch applier the uplink uses. Route tests use it to move a card payment along.
 */
export async function reportFromBox(ctx: ServiceContext, paymentUuid: string, report: BoxReport, options: BoxReportOptions): Promise<BoxEventOutcome> {
  const payment = await getPayment(ctx.db, paymentUuid);
  if (payment === null || payment.boxId === null || payment.terminalId === null) throw new Error(`payment ${paymentUuid} was not sent to a box`);
  const event = boxEvent(report, { paymentUuid, terminalId: payment.terminalId, amountCents: payment.amountCents }, options);
  checkBoxEvent(event);
  const message: BoxEventMessage = { type: 'event', id: options.eventId, at: new Date().toISOString(), event };
  const [outcome] = await applyBoxEvents(ctx, payment.boxId, [message]);
  return outcome ?? 'duplicate';
}

function boxEvent(report: BoxReport, payment: { paymentUuid: string; terminalId: string; amountCents: number }, options: BoxReportOptions): BoxEvent {
  const { paymentUuid, terminalId } = payment;
  // The payment's own transaction, as a box derives it: the server refuses any other.
  const transactionId = transactionIdFromUuid(paymentUuid).toString();
  switch (report) {
    case 'accepted':
      return { kind: 'transactionSent', paymentUuid, terminalId, transactionId, amountCents: payment.amountCents };
    case 'lost':
      return { kind: 'transactionUnknown', paymentUuid, terminalId, reason: 'the answer was lost', transactionId };
    case 'approved':
    case 'declined':
      return {
        kind: 'transactionResult',
        paymentUuid,
        terminalId,
        transactionId,
        result: options.result ?? (report === 'approved' ? 'Approved' : 'Declined'),
        resultId: 0,
        amountCents: options.amountCents ?? null,
        authorisationCode: report === 'approved' ? 'A1B2C3' : null,
        cardBrand: null,
        tickets: [...(options.tickets ?? [])],
        recovered: options.recovered ?? false,
      };
  }
}
