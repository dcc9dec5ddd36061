import type { Box, PairedBox, PairingCode } from '@kassa/contract';
import { useQuery } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { boxes } from '../api/endpoints';
import { queries } from '../api/queries';
import { DataTable, ErrorAlert, Field, LoadState, OnlineBadge, Page } from '../ui/components';
import { useDateTime } from '../ui/hooks';

export function BoxesPage() {
  const { t } = useTranslation();
  // Box and device events re-read it (`liveCache.ts`).
  const loaded = useQuery(queries.boxes());
  const reload = () => void loaded.refetch();
  const [paired, setPaired] = useState<PairedBox | null>(null);
  const [code, setCode] = useState<PairingCode | null>(null);

  return (
    <Page title={t('boxes.title')}>
      <PairForm
        onPaired={(result) => {
          setCode(null);
          setPaired(result);
          reload();
        }}
        onCode={(result) => {
          setPaired(null);
          setCode(result);
        }}
      />
      {code === null ? null : <PairingCodeCard code={code} />}
      {paired === null ? null : <PairingCommand paired={paired} />}
      <LoadState query={loaded}>{(list) => <BoxTable list={list} onChanged={reload} />}</LoadState>
    </Page>
  );
}

function PairForm({ onPaired, onCode }: { onPaired: (paired: PairedBox) => void; onCode: (code: PairingCode) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    // The code is the way for a person at the box; the token, for scripts that set boxes up.
    const withToken = (event.nativeEvent as SubmitEvent).submitter?.getAttribute('value') === 'token';
    setBusy(true);
    setError(null);
    try {
      if (withToken) onPaired(await boxes.pair(name));
      else onCode(await boxes.pairingCode(name));
      setName('');
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card row-form" aria-labelledby="pair-title" onSubmit={(e) => void submit(e)}>
      <h2 id="pair-title">{t('boxes.pairTitle')}</h2>
      <Field label={t('boxes.boxName')}>
        {(props) => <input {...props} value={name} onChange={(e) => setName(e.target.value)} required maxLength={120} />}
      </Field>
      <button type="submit" className="primary" value="code" disabled={busy}>
        {t('boxes.showCode')}
      </button>
      <button type="submit" value="token" disabled={busy}>
        {t('boxes.pair')}
      </button>
      <ErrorAlert error={error} />
    </form>
  );
}

function PairingCodeCard({ code }: { code: PairingCode }) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  return (
    <section className="card highlight" aria-labelledby="code-title">
      <h2 id="code-title">{t('boxes.codeTitle')}</h2>
      <p>{t('boxes.codeHelp', { until: dateTime(code.expiresAt) })}</p>
      <dl className="pairs">
        <dt>{t('boxes.code')}</dt>
        <dd>
          <code className="pairing-code" data-testid="pairing-code">
            {code.code}
          </code>
        </dd>
        <dt>{t('boxes.command')}</dt>
        <dd>
          <pre className="command" aria-label={t('boxes.command')}>
            <code>{code.command}</code>
          </pre>
        </dd>
      </dl>
    </section>
  );
}

function PairingCommand({ paired }: { paired: PairedBox }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(paired.command);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <section className="card highlight" aria-labelledby="command-title">
      <h2 id="command-title">{t('boxes.tokenTitle')}</h2>
      <p>{t('boxes.tokenHelp')}</p>
      <dl className="pairs">
        <dt>{t('boxes.token')}</dt>
        <dd>
          <code data-testid="box-token">{paired.token}</code>
        </dd>
        <dt>{t('boxes.command')}</dt>
        <dd>
          <pre className="command" aria-label={t('boxes.command')}>
            <code>{paired.command}</code>
          </pre>
        </dd>
      </dl>
      <div className="row">
        <button type="button" onClick={() => void copy()}>
          {t('boxes.copy')}
        </button>
        <span role="status">{copied === 'yes' ? t('boxes.copied') : copied === 'failed' ? t('boxes.copyFailed') : ''}</span>
      </div>
    </section>
  );
}

function BoxTable({ list, onChanged }: { list: Box[]; onChanged: () => void }) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const [confirming, setConfirming] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const revoke = async (id: string) => {
    setError(null);
    try {
      await boxes.revoke(id);
      setConfirming(null);
      onChanged();
    } catch (caught) {
      setError(caught);
    }
  };
  if (list.length === 0) return <p>{t('boxes.empty')}</p>;
  return (
    <>
      <ErrorAlert error={error} />
      <DataTable label={t('boxes.title')} columns={[t('app.name'), t('boxes.state'), t('boxes.paired'), t('boxes.lastSeen'), t('app.actions')]}>
        {list.map((box) => (
          <tr key={box.id}>
            <th scope="row">{box.name}</th>
            <td>{box.revokedAt !== null ? <span className="badge badge-off">{t('boxes.revoked')}</span> : <OnlineBadge online={box.online} />}</td>
            <td>{dateTime(box.createdAt)}</td>
            <td>{box.lastSeenAt === null ? t('boxes.never') : dateTime(box.lastSeenAt)}</td>
            <td>
              {box.revokedAt !== null ? null : confirming === box.id ? (
                <span className="confirm" role="group" aria-label={t('boxes.revokeConfirm', { name: box.name })}>
                  <span>{t('boxes.revokeConfirm', { name: box.name })}</span>
                  <button type="button" className="danger" onClick={() => void revoke(box.id)}>
                    {t('boxes.revoke')}
                  </button>
                  <button type="button" onClick={() => setConfirming(null)}>
                    {t('app.cancel')}
                  </button>
                </span>
              ) : (
                <button type="button" onClick={() => setConfirming(box.id)} aria-label={`${t('boxes.revoke')} ${box.name}`}>
                  {t('boxes.revoke')}
                </button>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}
