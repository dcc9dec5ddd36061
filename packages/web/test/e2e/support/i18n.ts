import { en } from '../../../src/i18n/en.js';
import { fr } from '../../../src/i18n/fr.js';
import { nl } from '../../../src/i18n/nl.js';

export type Lang = 'en' | 'nl' | 'fr';

const MESSAGES = { en, nl, fr } as const;

/** The browser locale that makes the app speak `lang` on a first visit (it follows the browser). */
export const BROWSER_LOCALE: Record<Lang, string> = { en: 'en-GB', nl: 'nl-BE', fr: 'fr-BE' };

/**
 * The app's own text for `key` ("pos.openingCash") in `lang`, with `{{name}}` filled in: a test
 * finds each control by what a person of that language reads on it.
 */
export function text(lang: Lang, key: string, values: Record<string, string | number> = {}): string {
  const found = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], MESSAGES[lang]);
  if (typeof found !== 'string') throw new Error(`no message ${key} in ${lang}`);
  return found.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`message ${key} needs {{${name}}}`);
    return String(value);
  });
}

/** A translator bound to one language. */
export function translator(lang: Lang): (key: string, values?: Record<string, string | number>) => string {
  return (key, values) => text(lang, key, values);
}

/**
 * Euros as each language writes them (below 1,000, one space for the no-break one): €9.80 and
 * -€7.50 in en, € 9,80 and € -7,50 in nl, 9,80 € and -7,50 € in fr. Written out by hand, not
 * through Intl, so the test checks the app's formatting rather than repeating it.
 */
export function euros(lang: Lang, cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  if (abs >= 100_000) throw new Error('euros() writes amounts below 1,000 only');
  const whole = Math.floor(abs / 100);
  const fraction = String(abs % 100).padStart(2, '0');
  if (lang === 'en') return `${sign}€${whole}.${fraction}`;
  if (lang === 'nl') return `€ ${sign}${whole},${fraction}`;
  return `${sign}${whole},${fraction} €`;
}

/** An amount as a cashier of that language types it: 20.00 in en, 20,00 in nl and fr. */
export function typed(lang: Lang, cents: number): string {
  const whole = Math.floor(cents / 100);
  const fraction = String(cents % 100).padStart(2, '0');
  return lang === 'en' ? `${whole}.${fraction}` : `${whole},${fraction}`;
}

/** Text as shown, with no-break and narrow no-break spaces read as plain spaces. */
export function plain(value: string | null): string {
  return (value ?? '').replace(/[\u00a0\u202f]/g, ' ');
}
