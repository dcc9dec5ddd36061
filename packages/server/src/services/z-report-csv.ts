import type { ZReport } from '@kassa/contract';
import { stringify } from 'csv-stringify/sync';

/** Cents as a euro amount with two decimals and a dot, e.g. -1234 → "-12.34". */
export function euros(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const HEADER = ['section', 'item', 'method', 'terminal', 'count', 'cents', 'euro'] as const;

/** Text a spreadsheet would take for a formula (=, +, -, @, tab, CR first) gets a leading apostrophe. */
const safeText = (text: string): string => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

/**
 * The Z report as CSV: one row per figure, with the amount in integer cents and in euros (a minus
 * sign for a negative one). Text that a spreadsheet would take for a formula is escaped.
 */
export function zReportCsv(report: ZReport): string {
  const rows: (string | number | null)[][] = [];
  const add = (section: string, item: string, cents: number | null, extra: { method?: string; terminal?: string | null; count?: number } = {}): void => {
    rows.push([
      section,
      safeText(item),
      safeText(extra.method ?? ''),
      safeText(extra.terminal ?? ''),
      extra.count ?? '',
      cents ?? '',
      cents === null ? '' : euros(cents),
    ]);
  };
  add('session', `session ${report.sessionId} ${report.posName}`, null);
  add('session', `opened ${report.openedAt} by ${report.openedBy ?? ''}`, null);
  add('session', `closed ${report.closedAt} by ${report.closedBy ?? ''}`, null);
  add('cash', 'opening', report.openingCashCents);
  add('cash', 'sales', report.cashSalesCents, { count: report.cashSalesCount });
  add('cash', 'change given', report.changeGivenCents);
  add('cash', 'refunds', report.cashRefundsCents);
  add('cash', 'expected', report.expectedCashCents);
  add('cash', 'counted', report.countedCashCents);
  add('cash', 'difference', report.cashDifferenceCents);
  if (report.differenceApprovedBy !== null) add('cash', `difference approved by ${report.differenceApprovedBy}: ${report.differenceReason ?? ''}`, null);
  for (const piece of report.count ?? []) add('count', euros(piece.valueCents), piece.valueCents * piece.quantity, { count: piece.quantity });
  for (const total of report.totals) add('method', 'sales', total.totalCents, { method: total.methodName, count: total.count });
  for (const card of report.cards) {
    add('card', 'sales', card.salesCents, { method: card.methodName, terminal: card.terminalId, count: card.salesCount });
    add('card', 'refunds', card.refundsCents, { method: card.methodName, terminal: card.terminalId, count: card.refundsCount });
  }
  for (const p of report.settledByHand) {
    add(
      'settled by hand',
      `${p.refund ? 'refund ' : ''}${p.state} receipt ${p.receiptNumber ?? ''} by ${p.settledBy ?? ''} approved by ${p.approvedBy ?? ''}: ${p.reason ?? ''}`,
      p.amountCents,
      { method: p.methodName, terminal: p.terminalId },
    );
  }
  return stringify([[...HEADER], ...rows], { record_delimiter: 'windows' });
}
