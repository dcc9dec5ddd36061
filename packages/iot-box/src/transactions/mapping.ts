import { resultName, stageName, type Body, type TicketRecord } from '@kassa/protocol';
import type { BoxCommand, BoxEventOf, RefusalCode, Ticket, TransactionResultName } from '@kassa/contract';

/** The payment a transaction belongs to, as events name it. */
export interface TransactionRef {
  readonly paymentUuid: string;
  readonly terminalId: string;
  readonly transactionId: string;
}

const MAX_TICKETS = 16;
const MAX_TICKET_TEXT = 16_384;
const MAX_TICKET_PART = 4096;
const MAX_MESSAGE = 1000;

const KNOWN_RESULTS: ReadonlySet<string> = new Set(['Approved', 'Error', 'Declined', 'Stopped', 'TechnicalProblem', 'TransparentMode']);

export function resultNameOf(value: number): TransactionResultName {
  const name = resultName(value);
  return KNOWN_RESULTS.has(name) ? (name as TransactionResultName) : 'Unknown';
}

/** Every ticket record, in order; a terminal's over-long text is cut to what the contract carries. */
export function ticketsOf(body: Body): Ticket[] {
  const records: readonly TicketRecord[] = body.tickets ?? [];
  return records.slice(0, MAX_TICKETS).map((record) => ({
    type: typeof record.ticketType === 'number' ? record.ticketType : null,
    header: typeof record.ticketHeader === 'string' ? record.ticketHeader.slice(0, MAX_TICKET_PART) : null,
    text: typeof record.ticketBody === 'string' ? record.ticketBody.slice(0, MAX_TICKET_TEXT) : '',
    footer: typeof record.ticketFooter === 'string' ? record.ticketFooter.slice(0, MAX_TICKET_PART) : null,
  }));
}

/** The final result of a TransactionResponse (live) or a LastTransactionResponse (recovered). */
export function resultEvent(ref: TransactionRef, body: Body & { transactionResult: number }, recovered: boolean): BoxEventOf<'transactionResult'> {
  const data = body.transactionData;
  const amount = data?.amount;
  const authorisationCode = data?.authorisationCode;
  return {
    kind: 'transactionResult',
    paymentUuid: ref.paymentUuid,
    terminalId: ref.terminalId,
    transactionId: ref.transactionId,
    result: resultNameOf(body.transactionResult),
    resultId: body.transactionResult & 0xff,
    amountCents: typeof amount === 'number' && Number.isSafeInteger(amount) && amount >= 0 && amount <= 99_999_999 ? amount : null,
    authorisationCode: typeof authorisationCode === 'string' ? authorisationCode.slice(0, 64) : null,
    cardBrand: typeof body.cardBrandIdentifier === 'string' ? body.cardBrandIdentifier.slice(0, 64) : null,
    tickets: ticketsOf(body),
    recovered,
  };
}

export function stageEvent(ref: TransactionRef, stageId: number): BoxEventOf<'transactionStage'> {
  return {
    kind: 'transactionStage',
    paymentUuid: ref.paymentUuid,
    terminalId: ref.terminalId,
    stage: stageName(stageId).slice(0, 64),
    stageId: stageId & 0xff,
    transactionId: ref.transactionId,
  };
}

/** The text a terminal shows, from a TransactionResponse or an InformationReport. */
export function messageText(body: Body): string | undefined {
  const text = body.stageMessage ?? body.merchantText;
  return typeof text === 'string' && text.length > 0 ? text.slice(0, MAX_MESSAGE) : undefined;
}

export function messageEvent(ref: TransactionRef, text: string): BoxEventOf<'transactionMessage'> {
  return { kind: 'transactionMessage', paymentUuid: ref.paymentUuid, terminalId: ref.terminalId, text, transactionId: ref.transactionId };
}

/**
 * Why a TransactionResponse is not the running transaction's answer, as the text the server keeps
 * in the payment's history; undefined when it is. It names another TransactionId, or (when it
 * carries one) another amount than the one requested. Such an answer is never taken as the result.
 */
export function foreignAnswer(entry: TransactionRef & { readonly amountCents: number }, body: Body): string | undefined {
  const id = body.transactionId?.toString();
  const amount = body.transactionData?.amount;
  const otherId = id !== undefined && id !== entry.transactionId;
  const otherAmount = typeof amount === 'number' && amount !== entry.amountCents;
  if (!otherId && !otherAmount) return undefined;
  const what = body.transactionResult === undefined ? 'an update' : `a ${resultNameOf(body.transactionResult)} result`;
  const named = [otherId ? `transaction ${id}` : null, otherAmount ? `${amount} cents` : null].filter((part) => part !== null).join(' for ');
  return `The terminal sent ${what} for ${named}; this payment is transaction ${entry.transactionId} for ${entry.amountCents} cents. Ignored: still waiting for its own answer.`.slice(
    0,
    MAX_MESSAGE,
  );
}

/** Why a command was not carried out; nothing was sent to the terminal. */
export function refusalEvent(command: BoxCommand, code: RefusalCode, message: string): BoxEventOf<'commandRefused'> {
  return {
    kind: 'commandRefused',
    commandKind: command.kind,
    paymentUuid: command.paymentUuid,
    terminalId: command.terminalId,
    code,
    message: message.slice(0, 500),
  };
}
