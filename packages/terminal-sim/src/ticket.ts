import type { TicketRecord } from '@kassa/protocol';
import type { CardBrand } from './card.js';
import type { TransactionKind } from './ledger.js';
import { formatAmount, resultText, ticketWords, type Language, type ResultName } from './texts.js';

/** TicketType (4A) of the two records a terminal prints: the shop keeps one, the customer the other. */
export const TicketType = { Merchant: 1, Cardholder: 2 } as const;

export interface TicketInput {
  readonly language: Language;
  readonly shopName: string;
  readonly terminalId: string;
  readonly date: Date;
  readonly brand: CardBrand;
  readonly maskedPan: string;
  readonly amountCents: number;
  /** A purchase prints SALE, a refund REFUND (in the terminal's language). */
  readonly kind?: TransactionKind;
  readonly result: ResultName;
  readonly authorisationCode?: string | undefined;
}

/** The merchant and cardholder tickets of a finished transaction, as TicketData records. */
export function buildTickets(input: TicketInput): TicketRecord[] {
  return [
    { ticketType: TicketType.Merchant, ...ticketText(input, 'merchant') },
    { ticketType: TicketType.Cardholder, ...ticketText(input, 'cardholder') },
  ];
}

function ticketText(input: TicketInput, copy: 'merchant' | 'cardholder'): { ticketHeader: string; ticketBody: string; ticketFooter: string } {
  const words = ticketWords(input.language);
  const lines = [
    `${words.terminal}: ${input.terminalId}`,
    `${words.date}: ${formatDate(input.date)}`,
    `${input.brand.scheme}`,
    `${words.card}: ${input.maskedPan}`,
    input.kind === 'refund' ? words.refund : words.sale,
    `${words.amount}: ${formatAmount(input.language, input.amountCents)}`,
  ];
  if (input.result === 'Approved' && input.authorisationCode) lines.push(`${words.authorisation}: ${input.authorisationCode}`);
  lines.push(resultText(input.language, input.result));
  if (input.result === 'Declined') lines.push(words.declineReason);
  return {
    ticketHeader: input.shopName,
    ticketBody: lines.join('\n'),
    ticketFooter: `${copy === 'merchant' ? words.merchantCopy : words.cardholderCopy}\n${words.keepReceipt}`,
  };
}

/** 25/11/2026 09:42 in the terminal's local time. */
function formatDate(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(date.getDate())}/${two(date.getMonth() + 1)}/${date.getFullYear()} ${two(date.getHours())}:${two(date.getMinutes())}`;
}
