import type { ManagerApproval } from '@kassa/contract';
import type { FormEvent, ReactNode } from 'react';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert, Field } from '../ui/components';

/**
 * A manager's approval on the spot, for any override at the till (a settlement by hand now;
 * refunds, cancelling a paid order and a cash difference use the same): the manager types their
 * username and PIN or password, with the reason that is recorded. `approve` performs the override
 * with the approval; a refusal (wrong PIN, too many tries) stays in the dialog, which stays open.
 */
export function ManagerApprovalDialog({
  summary,
  text,
  submitLabel,
  initialReason,
  approve,
  onClose,
}: {
  summary: ReactNode;
  /** What needs the approval; a settlement by hand when not given. */
  text?: string;
  submitLabel: string;
  initialReason: string;
  approve: (approval: ManagerApproval, reason: string) => Promise<void>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const titleId = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const [username, setUsername] = useState('');
  const [secret, setSecret] = useState('');
  const [reason, setReason] = useState(initialReason);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const element = dialog.current;
    if (element !== null && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await approve({ username: username.trim(), secret }, reason.trim());
    } catch (caught) {
      setSecret('');
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={dialog}
      className="approval"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <form onSubmit={(e) => void submit(e)}>
        <h2 id={titleId}>{t('pos.approvalTitle')}</h2>
        <p>{text ?? t('pos.approvalText')}</p>
        <p className="note">{summary}</p>
        <Field label={t('pos.managerUsername')}>
          {(props) => <input {...props} value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" required maxLength={64} />}
        </Field>
        <Field label={t('pos.managerSecret')}>
          {(props) => (
            <input {...props} type="password" value={secret} onChange={(e) => setSecret(e.target.value)} autoComplete="off" required maxLength={256} />
          )}
        </Field>
        <Field label={t('pos.reason')}>
          {(props) => <textarea {...props} value={reason} onChange={(e) => setReason(e.target.value)} required minLength={3} maxLength={500} rows={2} />}
        </Field>
        <ErrorAlert error={error} />
        <div className="row">
          <button type="submit" className="danger" disabled={busy || username.trim() === '' || secret === '' || reason.trim().length < 3}>
            {submitLabel}
          </button>
          <button type="button" onClick={onClose}>
            {t('app.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
