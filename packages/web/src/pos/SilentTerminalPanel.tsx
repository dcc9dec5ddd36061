import type { PaymentDetail } from '@kassa/contract';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client';
import { payments } from '../api/endpoints';
import { ErrorAlert } from '../ui/components';
import { AskStatus } from './AskStatus';
import { lastNewsAt, noteAsked, silence, silentTerminalLimitMs } from './silentTerminal';

/**
 * A running payment the terminal has said nothing about for the till's silence limit (60 s unless set): what to check on
 * the terminal, and "Ask the terminal" (the box asks it for its last transaction). The ask always
 * answers on screen (AskStatus): offline at once, the box's refusal, the terminal's answer, or that
 * nothing came within ASK_PATIENCE_MS, also once the ask has moved the payment to `unknown`.
 * Cancel stays beside it on the line.
 */
export function SilentTerminalPanel({ detail, onAsked }: { detail: PaymentDetail; onAsked: () => void }) {
  const { t } = useTranslation();
  // When this screen last saw news arrive: a browser clock behind the server's does not hide a silence.
  const noticed = useRef<{ at: number | null; last: number }>({ at: null, last: lastNewsAt(detail) });
  const latest = lastNewsAt(detail);
  if (latest > noticed.current.last) noticed.current = { at: Date.now(), last: latest };
  const [now, setNow] = useState(() => Date.now());
  const [offline, setOffline] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  const quiet = silence({ detail, nowMs: now, noticedAtMs: noticed.current.at, limitMs: silentTerminalLimitMs() });
  if (quiet === null) return null;

  const ask = async () => {
    setBusy(true);
    setError(null);
    setOffline(false);
    try {
      await payments.recover(detail.payment.uuid);
      noteAsked(detail.payment.uuid, Date.now());
      onAsked();
    } catch (caught) {
      if (isApiError(caught, 'KASSA_DEVICE_OFFLINE')) setOffline(true);
      else setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="silent-terminal" role="group" aria-label={t('pos.silentTitle')}>
      <p>
        <strong>{t('pos.silentTitle')}</strong> {t('pos.silentFor', { seconds: Math.floor(quiet / 1000) })}
      </p>
      <p>{t('pos.silentCheck')}</p>
      <ul>
        <li>{t('pos.silentCheckScreen')}</li>
        <li>{t('pos.silentCheckCustomer')}</li>
        <li>{t('pos.silentCheckNetwork')}</li>
      </ul>
      <AskStatus detail={detail} offlineNow={offline} />
      <ErrorAlert error={error} />
      <button type="button" disabled={busy} onClick={() => void ask()}>
        {t('pos.askTerminal')}
      </button>
    </div>
  );
}
