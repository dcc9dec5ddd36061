import { useTranslation } from 'react-i18next';
import { useConnectionState } from '../api/live';

/** The event stream's state, always visible: a cashier must know when the screen is not live. */
export function ConnectionBadge() {
  const { t } = useTranslation();
  const state = useConnectionState();
  return (
    <span role="status" aria-label={t('connection.label')} className={`connection connection-${state}`} data-state={state}>
      <span aria-hidden="true" className="dot" />
      {t(`connection.${state}`)}
    </span>
  );
}
