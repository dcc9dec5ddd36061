import { KassaError } from './errors.js';
import { assertCents } from './money.js';
import { checkVatRate } from './vat.js';

export interface ProductDraft {
  readonly name: string;
  /** Price including VAT, in cents. */
  readonly priceCents: number;
  readonly vatRate: number;
}

export function checkProduct({ country, product }: { country: string; product: ProductDraft }): void {
  if (product.name.trim() === '') throw new KassaError('KASSA_VALIDATION', 'A product needs a name.', { field: 'name' });
  assertCents({ cents: product.priceCents, field: 'priceCents', allowZero: true });
  checkVatRate({ country, rate: product.vatRate });
}
