/** Money is integer cents everywhere; only display turns it into a localised amount. */
const formatters = new Map<string, Intl.NumberFormat>();

export function formatCents(cents: number, locale: string): string {
  let formatter = formatters.get(locale);
  if (formatter === undefined) {
    formatter = new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' });
    formatters.set(locale, formatter);
  }
  return formatter.format(cents / 100);
}

const AMOUNT = /^\s*(\d{1,8})(?:[.,](\d{0,2}))?\s*$/;

/**
 * Reads what a cashier types ("12", "12.5", "12,50") as whole cents, without floating point;
 * null when it is not an amount.
 */
export function parseCents(text: string): number | null {
  const match = AMOUNT.exec(text);
  if (match === null) return null;
  const euros = Number(match[1]);
  const fraction = (match[2] ?? '').padEnd(2, '0');
  return euros * 100 + Number(fraction);
}

/** The decimal separator of a language ("." in en, "," in nl and fr). */
export function decimalSeparator(locale: string): string {
  return new Intl.NumberFormat(locale).formatToParts(1.5).find((part) => part.type === 'decimal')?.value ?? '.';
}

/**
 * The amount as a cashier of that language types it back ("12.50" in en, "12,50" in nl and fr),
 * without grouping, for prefilled inputs; `parseCents` reads it back to the same cents.
 */
export function centsToInput(cents: number, locale = 'en'): string {
  const separator = decimalSeparator(locale) === ',' ? ',' : '.';
  return `${Math.floor(cents / 100)}${separator}${String(cents % 100).padStart(2, '0')}`;
}
