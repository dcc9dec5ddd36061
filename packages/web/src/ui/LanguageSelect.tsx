import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../i18n';
import { chooseLanguage, currentLanguage, LANGUAGES } from '../i18n';

export function LanguageSelect({ userId }: { userId: number | null }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <span className="language">
      <label htmlFor={id}>{t('app.language')}</label>
      <select id={id} value={currentLanguage()} onChange={(e) => chooseLanguage(e.target.value as Language, userId)}>
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.label}
          </option>
        ))}
      </select>
    </span>
  );
}
