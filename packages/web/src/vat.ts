/** A line of the order being built, before it is sent to the server. */
export interface DraftLine {
  readonly productId: number;
  readonly name: string;
  readonly unitPriceCents: number;
  readonly vatRate: number;
  readonly quantity: number;
}

export interface VatGroup {
  readonly rate: number;
  readonly grossCents: number;
  readonly vatCents: number;
  readonly netCents: number;
}

/**
 * The totals the till shows while the order is built, with the server's documented rounding
 * (prices include VAT; VAT per rate group, round half up). Once sent, the server's figures are shown.
 */
export function draftTotals(lines: readonly DraftLine[]): { totalCents: number; vatCents: number; vat: VatGroup[] } {
  const gross = new Map<number, number>();
  let totalCents = 0;
  for (const line of lines) {
    const lineTotal = line.unitPriceCents * line.quantity;
    totalCents += lineTotal;
    gross.set(line.vatRate, (gross.get(line.vatRate) ?? 0) + lineTotal);
  }
  const vat = [...gross.entries()]
    .sort(([a], [b]) => b - a)
    .map(([rate, grossCents]) => {
      const denominator = 100 + rate;
      const numerator = grossCents * rate;
      const vatCents = Math.floor((2 * numerator + denominator) / (2 * denominator));
      return { rate, grossCents, vatCents, netCents: grossCents - vatCents };
    });
  return { totalCents, vatCents: vat.reduce((sum, g) => sum + g.vatCents, 0), vat };
}
