import { describe, expect, it } from 'vitest';
import { draftTotals } from './vat.js';

const line = (unitPriceCents: number, vatRate: number, quantity = 1) => ({ productId: unitPriceCents, name: 'x', unitPriceCents, vatRate, quantity });

describe('draftTotals', () => {
  it('sums the lines and takes the VAT out of each rate group, highest rate first', () => {
    const totals = draftTotals([line(350, 6, 2), line(280, 6), line(300, 21)]);
    expect(totals.totalCents).toBe(1280);
    expect(totals.vat).toEqual([
      { rate: 21, grossCents: 300, vatCents: 52, netCents: 248 },
      { rate: 6, grossCents: 980, vatCents: 55, netCents: 925 },
    ]);
    expect(totals.vatCents).toBe(107);
  });

  it('rounds half a cent up, per group', () => {
    // 53 × 6 / 106 = 3 exactly; 9 × 21 / 121 = 1.56 → 2; 1 × 100 / 200 = 0.5 → 1
    expect(draftTotals([line(53, 6)]).vatCents).toBe(3);
    expect(draftTotals([line(9, 21)]).vatCents).toBe(2);
    expect(draftTotals([line(1, 100)]).vatCents).toBe(1);
  });

  it('is zero for an empty order', () => {
    expect(draftTotals([])).toEqual({ totalCents: 0, vatCents: 0, vat: [] });
  });
});
