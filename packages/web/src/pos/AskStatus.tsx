import type { PaymentDetail } from '@kassa/contract';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { askAnswer, askedAt } from './silentTerminal';

/**
 * What came of the last "Ask the terminal" / "Check again" on this payment, always said on screen:
 * the terminal is offline (the server's refusal, `offlineNow`, or the box's), the box's other
 * refusals in its words, waiting, the terminal answered, or no answer after ASK_PATIENCE_MS. It
 * reads the ask's time kept by `noteAsked`, so the answer follows the payment from the silent
 * terminal's panel into the "checking" panel when the ask moves it to `unknown`.
 */
export function AskStatus({ detail, offlineNow }: { detail: PaymentDetail; offlineNow: boolean }) {
  const { t } = useTranslation();
  const asked = askedAt(detail.payment.uuid);
  const [now, setNow] = useState(() => Date.now());
  const answer = asked === null ? null : askAnswer({ detail, askedAtMs: asked, nowMs: now });
  const waiting = answer?.kind === 'waiting';
  useEffect(() => {
    if (!waiting) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [waiting]);

  const text = offlineNow
    ? t('pos.askOffline')
    : answer === null
      ? null
      : answer.kind === 'refused'
        ? answer.offline
          ? t('pos.askOffline')
          : t('pos.askRefused', { reason: answer.message ?? '' })
        : answer.kind === 'noAnswer'
          ? answer.boxHeard
            ? t('pos.askNoAnswerTerminal', { seconds: answer.seconds })
            : t('pos.askNoAnswer', { seconds: answer.seconds })
          : answer.kind === 'answered'
            ? t('pos.askAnswered')
            : t('pos.askWaiting');
  return (
    <p role="status" aria-live="polite" className="note ask-status" data-ask={offlineNow ? 'offline' : (answer?.kind ?? 'none')}>
      {text}
    </p>
  );
}
