import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../ui/components';

/**
 * Archive (or restore) and delete for a payment method or POS configuration. Each asks once more,
 * in place, what it will do; the server decides (a used one cannot be deleted: the refusal says why,
 * with archive as the way out).
 */
export function ArchiveActions({
  name,
  archived,
  archive,
  restore,
  remove,
  onDone,
}: {
  name: string;
  archived: boolean;
  archive: () => Promise<unknown>;
  restore: () => Promise<unknown>;
  remove: () => Promise<unknown>;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState<'archive' | 'remove' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      setAsking(null);
      onDone();
    } catch (caught) {
      setAsking(null);
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="archive-actions">
      {asking === null ? (
        <div className="row">
          {archived ? (
            <button type="button" disabled={busy} onClick={() => void run(restore)} aria-label={`${t('archive.restore')} ${name}`}>
              {t('archive.restore')}
            </button>
          ) : (
            <button type="button" disabled={busy} onClick={() => setAsking('archive')} aria-label={`${t('archive.archive')} ${name}`}>
              {t('archive.archive')}
            </button>
          )}
          <button type="button" className="danger" disabled={busy} onClick={() => setAsking('remove')} aria-label={`${t('app.remove')} ${name}`}>
            {t('app.remove')}
          </button>
        </div>
      ) : (
        <div role="group" aria-label={asking === 'archive' ? t('archive.archive') : t('app.remove')}>
          <p>{asking === 'archive' ? t('archive.confirmArchive', { name }) : t('archive.confirmDelete', { name })}</p>
          <div className="row">
            <button
              type="button"
              className={asking === 'remove' ? 'danger' : 'primary'}
              disabled={busy}
              onClick={() => void run(asking === 'archive' ? archive : remove)}
            >
              {asking === 'archive' ? t('archive.archive') : t('app.remove')}
            </button>
            <button type="button" disabled={busy} onClick={() => setAsking(null)}>
              {t('app.cancel')}
            </button>
          </div>
        </div>
      )}
      <ErrorAlert error={error} />
    </div>
  );
}
