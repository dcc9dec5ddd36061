import { describe, expect, it } from 'vitest';
import { centsToInput, formatCents, parseCents } from './money.js';

describe('parseCents', () => {
  it('reads whole euros, one decimal and two decimals, with a dot or a comma', () => {
    expect(parseCents('12')).toBe(1200);
    expect(parseCents('12.5')).toBe(1250);
    expect(parseCents('12,50')).toBe(1250);
    expect(parseCents(' 0.07 ')).toBe(7);
  });

  it('gives the exact cents where floating point would not', () => {
    expect(parseCents('0.29')).toBe(29);
    expect(parseCents('1.15')).toBe(115);
    expect(parseCents('19.99')).toBe(1999);
  });

  it('refuses what is not an amount', () => {
    for (const text of ['', 'abc', '1.234', '-1', '1e3', '12.5.0', '123456789']) expect(parseCents(text)).toBeNull();
  });

  it('writes cents back the way a cashier types them', () => {
    expect(centsToInput(980)).toBe('9.80');
    expect(centsToInput(5)).toBe('0.05');
    expect(parseCents(centsToInput(123456))).toBe(123456);
  });

  it('writes cents back with the decimal separator of the language, read back to the same cents', () => {
    expect(centsToInput(630, 'nl')).toBe('6,30');
    expect(centsToInput(630, 'fr')).toBe('6,30');
    expect(centsToInput(630, 'en')).toBe('6.30');
    expect(centsToInput(123456, 'fr')).toBe('1234,56');
    for (const locale of ['en', 'nl', 'fr']) for (const cents of [0, 5, 29, 115, 1999, 99_999_999]) expect(parseCents(centsToInput(cents, locale))).toBe(cents);
  });
});

describe('formatCents', () => {
  it('formats euros the way each language writes them', () => {
    expect(formatCents(350, 'en')).toBe('€3.50');
    expect(formatCents(350, 'nl')).toBe('€\u00a03,50');
    expect(formatCents(350, 'fr')).toBe('3,50\u00a0€');
    expect(formatCents(123456, 'en')).toBe('€1,234.56');
  });
});
