import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../i18n';
import { centsToInput, formatCents } from '../money';

/** Formats integer cents in the current language. */
export function useMoney(): (cents: number) => string {
  const { i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? currentLanguage();
  return useCallback((cents: number) => formatCents(cents, language), [language]);
}

/** Writes cents as a person of the current language types an amount ("6,30" in nl and fr). */
export function useCentsInput(): (cents: number) => string {
  const { i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? currentLanguage();
  return useCallback((cents: number) => centsToInput(cents, language), [language]);
}

export function useDateTime(): (iso: string | null) => string {
  const { i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  return useCallback(
    (iso: string | null) => (iso === null ? '' : new Intl.DateTimeFormat(language, { dateStyle: 'short', timeStyle: 'medium' }).format(new Date(iso))),
    [language],
  );
}
