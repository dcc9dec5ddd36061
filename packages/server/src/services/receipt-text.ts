import type { Receipt, RefundReceipt } from '@kassa/contract';

const WIDTH = 40;

export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

function row(left: string, right: string): string {
  const space = Math.max(1, WIDTH - left.length - right.length);
  return `${left}${' '.repeat(space)}${right}`;
}

/** The receipt as fixed-width text for a 40-column printer; amounts in euros with a decimal comma. */
export function renderReceipt(r: Omit<Receipt, 'text'>): string {
  const lines = [
    r.company.name,
    `Receipt ${r.receiptNumber}  ${r.validatedAt.slice(0, 16).replace('T', ' ')}`,
    '-'.repeat(WIDTH),
    ...r.lines.map((l) => row(`${l.quantity} x ${l.name}`.slice(0, WIDTH - 12), formatCents(l.totalCents))),
    '-'.repeat(WIDTH),
    row('TOTAL EUR', formatCents(r.totalCents)),
    ...r.vat.map((g) => row(`VAT ${g.rate}% on ${formatCents(g.grossCents)}`, formatCents(g.vatCents))),
    ...r.payments.flatMap((p) =>
      p.tenderedCents === null || p.changeCents === null || p.changeCents === 0
        ? [row(p.method, formatCents(p.amountCents))]
        : [row(p.method, formatCents(p.tenderedCents)), row('CHANGE', formatCents(p.changeCents))],
    ),
    ...r.refunds.flatMap((f) => [row(`REFUND ${f.method}`.slice(0, WIDTH - 12), formatCents(-f.amountCents)), `  ${f.reason}`.slice(0, WIDTH)]),
    ...r.cardholderTickets.flatMap((t) => ['', t]),
  ];
  return lines.join('\n');
}

/** A refund receipt: what came back, the amount paid back (negative) and how, the reason. */
export function renderRefundReceipt(r: Omit<RefundReceipt, 'text'> & { at: string }): string {
  const f = r.refund;
  const lines = [
    r.company.name,
    `REFUND  ${r.receiptNumber === null ? `order ${r.orderId.slice(0, 8)}` : `receipt ${r.receiptNumber}`}  ${r.at.slice(0, 16).replace('T', ' ')}`,
    ...(r.receiptNumber === null ? ['Order cancelled'] : []),
    '-'.repeat(WIDTH),
    ...f.lines.map((l) => row(`${l.quantity} x ${l.name}`.slice(0, WIDTH - 12), formatCents(-l.amountCents))),
    ...(f.lines.length === 0 ? [row('Amount', formatCents(-f.amountCents))] : []),
    '-'.repeat(WIDTH),
    row('TOTAL EUR', formatCents(-f.amountCents)),
    row(f.methodName, formatCents(-f.amountCents)),
    `Reason: ${f.reason}`.slice(0, 2 * WIDTH),
    ...r.cardholderTickets.flatMap((t) => ['', t]),
  ];
  return lines.join('\n');
}
