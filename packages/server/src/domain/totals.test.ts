import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorCode } from '../test-support/errors.js';
import { checkProduct } from './products.js';
import { computeOrderTotals } from './totals.js';
import { checkVatRate, VAT_RATES } from './vat.js';

describe('computeOrderTotals', () => {
  it('computes VAT included in a 21% price: 121 cents hold 21 cents of VAT', () => {
    const totals = computeOrderTotals({ lines: [{ unitPriceCents: 121, quantity: 1, vatRate: 21 }] });
    expect(totals).toMatchObject({ totalCents: 121, vatCents: 21, netCents: 100 });
  });

  it('rounds half up per rate group: 50 cents at 6% hold 2.83 cents, so 3', () => {
    expect(computeOrderTotals({ lines: [{ unitPriceCents: 50, quantity: 1, vatRate: 6 }] }).vatCents).toBe(3);
  });

  it('rounds an exact half up: 14 cents at 12% hold exactly 1.5 cents, so 2', () => {
    expect(computeOrderTotals({ lines: [{ unitPriceCents: 14, quantity: 1, vatRate: 12 }] }).vatCents).toBe(2);
  });

  it('rounds once per rate group, not per line', () => {
    // Per line: 10 × round(0.566) = 10 cents; per group: round(5.66) = 6 cents.
    const totals = computeOrderTotals({ lines: [{ unitPriceCents: 10, quantity: 10, vatRate: 6 }] });
    expect(totals.vatCents).toBe(6);
    const split = computeOrderTotals({ lines: Array.from({ length: 10 }, () => ({ unitPriceCents: 10, quantity: 1, vatRate: 6 })) });
    expect(split.vatCents).toBe(6);
  });

  it('groups by rate, highest rate first, and the total is the plain sum of the lines', () => {
    const totals = computeOrderTotals({
      lines: [
        { unitPriceCents: 350, quantity: 2, vatRate: 6 },
        { unitPriceCents: 250, quantity: 1, vatRate: 21 },
        { unitPriceCents: 120, quantity: 3, vatRate: 0 },
      ],
    });
    expect(totals.lineTotalsCents).toEqual([700, 250, 360]);
    expect(totals.totalCents).toBe(1310);
    expect(totals.vat.map((g) => [g.rate, g.grossCents, g.vatCents])).toEqual([
      [21, 250, 43],
      [6, 700, 40],
      [0, 360, 0],
    ]);
    expect(totals.vatCents).toBe(83);
    expect(totals.netCents).toBe(1227);
  });

  it('refuses fractional or zero quantities', () => {
    expect(errorCode(() => computeOrderTotals({ lines: [{ unitPriceCents: 100, quantity: 1.5, vatRate: 21 }] }))).toBe('KASSA_VALIDATION');
    expect(errorCode(() => computeOrderTotals({ lines: [{ unitPriceCents: 100, quantity: 0, vatRate: 21 }] }))).toBe('KASSA_VALIDATION');
  });

  it('refuses fractional cents', () => {
    expect(errorCode(() => computeOrderTotals({ lines: [{ unitPriceCents: 1.5, quantity: 1, vatRate: 21 }] }))).toBe('KASSA_AMOUNT');
  });

  it('keeps VAT equal to the exact value rounded half up, for any gross and rate', () => {
    const rates = [...new Set(Object.values(VAT_RATES).flat())];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.constantFrom(...rates), (gross, rate) => {
        const { vatCents, netCents } = computeOrderTotals({ lines: [{ unitPriceCents: gross, quantity: 1, vatRate: rate }] });
        const exact = (gross * rate) / (100 + rate);
        expect(Math.abs(vatCents - exact)).toBeLessThanOrEqual(0.5);
        expect(vatCents + netCents).toBe(gross);
      }),
    );
  });
});

describe('VAT rates', () => {
  it.each([
    ['BE', [21, 12, 6, 0]],
    ['NL', [21, 9, 0]],
    ['LU', [17, 14, 8, 3]],
  ])('accepts exactly the rates of %s', (country, rates) => {
    for (let rate = 0; rate <= 30; rate += 1) {
      expect(errorCode(() => checkVatRate({ country, rate })) === 'no error').toBe(rates.includes(rate));
    }
  });

  it('refuses a product with a rate of another country', () => {
    expect(errorCode(() => checkProduct({ country: 'NL', product: { name: 'Fries', priceCents: 350, vatRate: 6 } }))).toBe('KASSA_VAT_RATE');
  });

  it('refuses a product without a name or with a negative price', () => {
    expect(errorCode(() => checkProduct({ country: 'BE', product: { name: ' ', priceCents: 350, vatRate: 6 } }))).toBe('KASSA_VALIDATION');
    expect(errorCode(() => checkProduct({ country: 'BE', product: { name: 'Fries', priceCents: -1, vatRate: 6 } }))).toBe('KASSA_AMOUNT');
  });
});
