import { KassaError } from './errors.js';

/** VAT rates in whole percent, per country, as the BENELUX tax offices publish them. */
export const VAT_RATES: Readonly<Record<string, readonly number[]>> = {
  BE: [21, 12, 6, 0],
  NL: [21, 9, 0],
  LU: [17, 14, 8, 3],
};

export function vatRatesFor(country: string): readonly number[] {
  return VAT_RATES[country] ?? [];
}

export function checkVatRate({ country, rate }: { country: string; rate: number }): void {
  const rates = vatRatesFor(country);
  if (!rates.includes(rate)) throw new KassaError('KASSA_VAT_RATE', undefined, { country, rate, allowed: [...rates] });
}
