import type { ManagerApproval, PaymentDetail } from '@kassa/contract';
import type { FormEvent } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client';
import { payments } from '../api/endpoints';
import { useAuth } from '../auth';
import { ErrorAlert, Field } from '../ui/components';
import { AskStatus } from './AskStatus';
import { ManagerApprovalDialog } from './ManagerApprovalDialog';
import { noteAsked } from './silentTerminal';

type Settle = 'forceDone' | 'markFailed';

/** Whether the signed-in role approves its own overrides (the server decides; this only spares a cashier the refusal). */
const APPROVES_ITSELF = new Set(['admin', 'manager']);

/** The server's answer to an override without approval by a cashier: ask a manager. */
function needsApproval(error: unknown): boolean {
  return isApiError(error, 'KASSA_FORBIDDEN') && error.details?.['needs'] === 'managerApproval';
}

/**
 * A payment whose answer was lost. Nothing is guessed: the box asks the terminal; the cashier can
 * ask again, or have it settled by hand. Settling by hand is a manager's override: a manager (or
 * admin) confirms with a reason; a cashier gets a manager's approval on the spot in a dialog. The
 * server records the cashier, the manager and the reason.
 * With `mismatch` (the terminal approved another amount than asked), the terminal has answered:
 * the panel says what it approved and offers only the settling by hand.
 */
export function UnknownPanel({
  uuid,
  detail,
  onChanged,
  mismatch,
}: {
  uuid: string;
  /** The payment with its history, once read: what came of "Check again" is read from it. */
  detail: PaymentDetail | undefined;
  onChanged: () => void;
  mismatch?: { approved: string; requested: string };
}) {
  const { t } = useTranslation();
  const { user } = useAuth();
  const approvesItself = APPROVES_ITSELF.has(user.role);
  const [settling, setSettling] = useState<Settle | null>(null);
  const [approving, setApproving] = useState<Settle | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // "Check again" always answers on screen (AskStatus): the terminal's answer, the box's refusal
  // (the terminal is offline…), or no answer after ASK_PATIENCE_MS.
  const [offline, setOffline] = useState(false);

  const settle = (how: Settle, text: string, approval?: ManagerApproval) =>
    how === 'forceDone' ? payments.forceDone(uuid, text, approval) : payments.markFailed(uuid, text, approval);
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      setSettling(null);
      onChanged();
    } catch (caught) {
      if (settling !== null && needsApproval(caught)) setApproving(settling);
      else setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const confirm = (event: FormEvent) => {
    event.preventDefault();
    if (settling === null) return;
    void run(() => settle(settling, reason.trim()));
  };
  const choose = (how: Settle) => {
    setError(null);
    if (approvesItself) setSettling(how);
    else setApproving(how);
  };

  return (
    <section className="unknown" role="region" aria-labelledby={`unknown-${uuid}`}>
      {mismatch === undefined ? (
        <>
          <h3 id={`unknown-${uuid}`}>{t('pos.unknownTitle')}</h3>
          <p>{t('pos.unknownText')}</p>
          <div className="row">
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => {
                setOffline(false);
                void run(async () => {
                  try {
                    await payments.recover(uuid);
                  } catch (caught) {
                    if (!isApiError(caught, 'KASSA_DEVICE_OFFLINE')) throw caught;
                    setOffline(true);
                    return;
                  }
                  noteAsked(uuid, Date.now());
                });
              }}
            >
              {busy ? t('pos.checking') : t('pos.checkAgain')}
            </button>
          </div>
          {detail === undefined ? null : <AskStatus detail={detail} offlineNow={offline} />}
          <p className="help">{t('pos.unknownManual')}</p>
        </>
      ) : (
        <>
          <h3 id={`unknown-${uuid}`}>{t('state.mismatch')}</h3>
          <p role="alert">{t('pos.mismatchText', mismatch)}</p>
        </>
      )}
      <div className="row">
        <button type="button" aria-pressed={settling === 'forceDone'} onClick={() => choose('forceDone')}>
          {t('pos.forceDone')}
        </button>
        <button type="button" aria-pressed={settling === 'markFailed'} onClick={() => choose('markFailed')}>
          {t('pos.markFailed')}
        </button>
      </div>
      {settling === null ? null : (
        <form onSubmit={confirm} aria-label={settling === 'forceDone' ? t('pos.confirmForceDone') : t('pos.confirmMarkFailed')}>
          <Field label={t('pos.reason')}>
            {(props) => <textarea {...props} value={reason} onChange={(e) => setReason(e.target.value)} required minLength={3} maxLength={500} rows={2} />}
          </Field>
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
      {approving === null ? null : (
        <ManagerApprovalDialog
          summary={approving === 'forceDone' ? t('pos.approvalForceDone') : t('pos.approvalMarkFailed')}
          submitLabel={t('pos.approve')}
          initialReason={reason}
          approve={async (approval, text) => {
            await settle(approving, text, approval);
            setApproving(null);
            setSettling(null);
            onChanged();
          }}
          onClose={() => setApproving(null)}
        />
      )}
      <ErrorAlert error={error} />
    </section>
  );
}
