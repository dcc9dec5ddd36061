import { KassaError } from './errors.js';
import { assertCents, divideRoundHalfUp, MAX_CENTS } from './money.js';

export const MAX_QUANTITY = 10_000;

export interface OrderLineInput {
  /** Unit price including VAT, in cents. */
  readonly unitPriceCents: number;
  readonly quantity: number;
  readonly vatRate: number;
}

export interface VatGroup {
  readonly rate: number;
  readonly grossCents: number;
  readonly vatCents: number;
  readonly netCents: number;
}

export interface OrderTotals {
  readonly lineTotalsCents: readonly number[];
  readonly totalCents: number;
  readonly vatCents: number;
  readonly netCents: number;
  /** One group per VAT rate, highest rate first. */
  readonly vat: readonly VatGroup[];
}

/**
 * Totals of an order whose prices include VAT.
 *
 * Rounding, documented once: a line total is unit price × quantity (exact in cents). Lines are
 * grouped by VAT rate; each group's VAT is computed once from the group's gross total as
 * round-half-up(gross × rate / (100 + rate)). Rounding per group rather than per line keeps the
 * printed VAT equal to what the tax summary of the receipt shows, and the total is the plain sum of
 * the lines, so the customer pays exactly the sum of the prices they saw.
 */
export function computeOrderTotals({ lines }: { lines: readonly OrderLineInput[] }): OrderTotals {
  const lineTotalsCents = lines.map((line, index) => {
    assertCents({ cents: line.unitPriceCents, field: `lines[${index}].unitPriceCents`, allowZero: true });
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_QUANTITY) {
      throw new KassaError('KASSA_VALIDATION', `Quantity must be a whole number from 1 to ${MAX_QUANTITY}.`, { field: `lines[${index}].quantity` });
    }
    return line.unitPriceCents * line.quantity;
  });
  const totalCents = lineTotalsCents.reduce((sum, cents) => sum + cents, 0);
  if (totalCents > MAX_CENTS) throw new KassaError('KASSA_AMOUNT', 'The order total is too large.', { totalCents });
  const gross = new Map<number, number>();
  lines.forEach((line, index) => gross.set(line.vatRate, (gross.get(line.vatRate) ?? 0) + (lineTotalsCents[index] ?? 0)));
  const vat = [...gross.entries()]
    .sort(([a], [b]) => b - a)
    .map(([rate, grossCents]) => {
      const vatCents = divideRoundHalfUp({ numerator: grossCents * rate, denominator: 100 + rate });
      return { rate, grossCents, vatCents, netCents: grossCents - vatCents };
    });
  const vatCents = vat.reduce((sum, group) => sum + group.vatCents, 0);
  return { lineTotalsCents, totalCents, vatCents, netCents: totalCents - vatCents, vat };
}
