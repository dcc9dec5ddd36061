import { useTranslation } from 'react-i18next';
import { Page } from './components';

/** An address the app does not know: say so, and offer the way back to the user's start page. */
export function NotFoundPage({ path, home }: { path: string; home: string }) {
  const { t } = useTranslation();
  return (
    <Page title={t('notFound.title')}>
      <p>{t('notFound.text', { path })}</p>
      <p>
        <a href={`#${home}`}>{t('notFound.back')}</a>
      </p>
    </Page>
  );
}
