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

/** The amount as a cashier would type it back ("12.50"), for prefilled inputs. */
export function centsToInput(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}
