import type { FormEvent } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { payments } from '../api/endpoints';
import { ErrorAlert, Field } from '../ui/components';

type Settle = 'forceDone' | 'markFailed';

/**
 * A payment whose answer was lost. Nothing is guessed: the box asks the terminal; the cashier can
 * ask again, or settle by hand only after confirming with a reason (recorded with their name).
 * With `mismatch` (the terminal approved another amount than asked), the terminal has answered:
 * the panel says what it approved and offers only the settling by hand.
 */
export function UnknownPanel({ uuid, onChanged, mismatch }: { uuid: string; onChanged: () => void; mismatch?: { approved: string; requested: string } }) {
  const { t } = useTranslation();
  const [settling, setSettling] = useState<Settle | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      setSettling(null);
      onChanged();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const confirm = (event: FormEvent) => {
    event.preventDefault();
    if (settling === null) return;
    const text = reason.trim();
    void run(() => (settling === 'forceDone' ? payments.forceDone(uuid, text) : payments.markFailed(uuid, text)));
  };

  return (
    <section className="unknown" role="region" aria-labelledby={`unknown-${uuid}`}>
      {mismatch === undefined ? (
        <>
          <h3 id={`unknown-${uuid}`}>{t('pos.unknownTitle')}</h3>
          <p>{t('pos.unknownText')}</p>
          <div className="row">
            <button type="button" className="primary" disabled={busy} onClick={() => void run(() => payments.recover(uuid))}>
              {t('pos.checkAgain')}
            </button>
          </div>
          <p className="help">{t('pos.unknownManual')}</p>
        </>
      ) : (
        <>
          <h3 id={`unknown-${uuid}`}>{t('state.mismatch')}</h3>
          <p role="alert">{t('pos.mismatchText', mismatch)}</p>
        </>
      )}
      <div className="row">
        <button type="button" aria-pressed={settling === 'forceDone'} onClick={() => setSettling('forceDone')}>
          {t('pos.forceDone')}
        </button>
        <button type="button" aria-pressed={settling === 'markFailed'} onClick={() => setSettling('markFailed')}>
          {t('pos.markFailed')}
        </button>
      </div>
      {settling === null ? null : (
        <form onSubmit={confirm} aria-label={settling === 'forceDone' ? t('pos.confirmForceDone') : t('pos.confirmMarkFailed')}>
          <Field label={t('pos.reason')}>{(props) => <textarea {...props} value={reason} onChange={(e) => setReason(e.target.value)} required minLength={3} maxLength={500} rows={2} />}</Field>
          <div className="row">
            <button type="submit" className="danger" disabled={busy || reason.trim().length < 3}>
              {settling === 'forceDone' ? t('pos.confirmForceDone') : t('pos.confirmMarkFailed')}
            </button>
            <button type="button" onClick={() => setSettling(null)}>
              {t('app.cancel')}
            </button>
          </div>
        </form>
      )}
      <ErrorAlert error={error} />
    </section>
  );
}
