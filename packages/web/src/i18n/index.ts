import i18n from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { fr } from './fr';
import { nl } from './nl';

export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'nl', label: 'Nederlands' },
  { code: 'fr', label: 'Français' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];

const DEVICE_KEY = 'kassa.lang';
const userKey = (userId: number) => `kassa.lang.user.${userId}`;

declare module 'i18next' {
  interface CustomTypeOptions {
    resources: { translation: typeof en };
  }
}

void i18n
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    resources: { en: { translation: en }, nl: { translation: nl }, fr: { translation: fr } },
    fallbackLng: 'en',
    supportedLngs: LANGUAGES.map((l) => l.code),
    nonExplicitSupportedLngs: true,
    load: 'languageOnly',
    interpolation: { escapeValue: false },
    detection: { order: ['localStorage', 'navigator'], lookupLocalStorage: DEVICE_KEY, caches: ['localStorage'] },
  });

i18n.on('languageChanged', (language) => {
  document.documentElement.lang = language;
});
document.documentElement.lang = i18n.resolvedLanguage ?? 'en';

export function currentLanguage(): Language {
  const language = i18n.resolvedLanguage;
  return LANGUAGES.some((l) => l.code === language) ? (language as Language) : 'en';
}

/** The language a user chose last, on this device; the browser's language until they choose. */
export function applyUserLanguage(userId: number): void {
  const chosen = localStorage.getItem(userKey(userId));
  if (chosen !== null && LANGUAGES.some((l) => l.code === chosen)) void i18n.changeLanguage(chosen);
}

export function chooseLanguage(language: Language, userId: number | null): void {
  if (userId !== null) localStorage.setItem(userKey(userId), language);
  void i18n.changeLanguage(language);
}

export default i18n;
