import { KassaError } from './errors.js';

/** Countries where Ingenico terminals speak the TLV protocol kassa drives (the seed document's rule). */
export const INGENICO_COUNTRIES = ['BE', 'NL', 'LU'] as const;

export interface Company {
  readonly name: string;
  /** ISO 3166-1 alpha-2, upper case. */
  readonly country: string;
  /** The setting "Payment terminals → Ingenico". */
  readonly ingenicoEnabled: boolean;
}

export function isIngenicoCountry(country: string): boolean {
  return (INGENICO_COUNTRIES as readonly string[]).includes(country);
}

export function normaliseCountry({ country }: { country: string }): string {
  const upper = country.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(upper)) throw new KassaError('KASSA_COUNTRY_UNKNOWN', undefined, { country });
  return upper;
}

/**
 * Applies a change of company settings and returns the new company, or throws naming the rule:
 * Ingenico can be switched on only in BE/NL/LU, and cannot be switched off (or the company moved
 * abroad) while payment methods still use it.
 */
export function updateCompany({ company, change, ingenicoMethodCount }: { company: Company; change: Partial<Company>; ingenicoMethodCount: number }): Company {
  const next: Company = {
    name: change.name ?? company.name,
    country: change.country === undefined ? company.country : normaliseCountry({ country: change.country }),
    ingenicoEnabled: change.ingenicoEnabled ?? company.ingenicoEnabled,
  };
  if (next.ingenicoEnabled && !isIngenicoCountry(next.country)) {
    throw new KassaError('KASSA_INGENICO_COUNTRY', undefined, { country: next.country, allowed: [...INGENICO_COUNTRIES] });
  }
  if (!next.ingenicoEnabled && company.ingenicoEnabled && ingenicoMethodCount > 0) {
    throw new KassaError('KASSA_INGENICO_IN_USE', undefined, { methods: ingenicoMethodCount });
  }
  return next;
}
