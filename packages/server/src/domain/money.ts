import { KassaError } from './errors.js';

/** The largest amount kassa accepts anywhere: ten million euros, far below 2^53 even after multiplying by a VAT rate. */
export const MAX_CENTS = 1_000_000_000;

/** Throws KASSA_AMOUNT unless `cents` is a whole number of cents in (0, MAX_CENTS] (or [0, …] when zero is allowed). */
export function assertCents({ cents, field, allowZero = false }: { cents: number; field: string; allowZero?: boolean }): void {
  const low = allowZero ? 0 : 1;
  if (!Number.isSafeInteger(cents) || cents < low || cents > MAX_CENTS) {
    throw new KassaError('KASSA_AMOUNT', `${field} must be whole cents between ${low} and ${MAX_CENTS}.`, { field, cents });
  }
}

/** Rounds numerator/denominator half up (both non-negative), in integers only. */
export function divideRoundHalfUp({ numerator, denominator }: { numerator: number; denominator: number }): number {
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}
