import type { FormEvent } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { users } from '../api/endpoints';
import { ErrorAlert, Field, Page, PinInput } from '../ui/components';

/** A manager or admin sets (or removes) their own approval PIN, confirming with their password. */
export function PinPage() {
  const { t } = useTranslation();
  const [currentPassword, setCurrentPassword] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  const save = async (value: string | null) => {
    setError(null);
    setSaved(false);
    try {
      await users.setOwnPin({ currentPassword, pin: value });
      setCurrentPassword('');
      setPin('');
      setSaved(true);
    } catch (caught) {
      setError(caught);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save(pin);
  };

  return (
    <Page title={t('users.myPin')}>
      <form className="card row-form" aria-label={t('users.myPin')} onSubmit={submit}>
        <p className="help">{t('users.myPinHelp')}</p>
        <Field label={t('users.currentPassword')}>
          {(props) => (
            <input
              {...props}
              type="password"
              autoComplete="current-password"
              value={currentPassword}
              onChange={(e) => setCurrentPassword(e.target.value)}
              required
            />
          )}
        </Field>
        <Field label={t('users.pin')} help={t('users.pinHelp')}>
          {(props) => <PinInput {...props} value={pin} onChange={setPin} required />}
        </Field>
        <div className="row">
          <button type="submit" className="primary">
            {t('users.savePin')}
          </button>
          <button type="button" disabled={currentPassword === ''} onClick={() => void save(null)}>
            {t('users.removePin')}
          </button>
        </div>
        {saved ? <span role="status">{t('users.pinSaved')}</span> : null}
        <ErrorAlert error={error} />
      </form>
    </Page>
  );
}
