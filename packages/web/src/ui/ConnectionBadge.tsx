import { useTranslation } from 'react-i18next';
import { useConnection } from '../api/live';

/**
 * The event stream's state, always visible: a cashier must know when the screen is not live, and
 * since when it has been offline.
 */
export function ConnectionBadge() {
  const { t, i18n } = useTranslation();
  const { state, since } = useConnection();
  const time = since === null ? null : new Intl.DateTimeFormat(i18n.resolvedLanguage ?? 'en', { timeStyle: 'medium' }).format(new Date(since));
  return (
    <span role="status" aria-label={t('connection.label')} className={`connection connection-${state}`} data-state={state}>
      <span aria-hidden="true" className="dot" />
      {state === 'offline' && time !== null ? t('connection.offlineSince', { time }) : t(`connection.${state}`)}
    </span>
  );
}
