import type { PosSession } from '@kassa/contract';
import type { FormEvent } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { orders, sessions } from '../api/endpoints';
import { useLiveEvents } from '../api/live';
import { centsToInput, parseCents } from '../money';
import { ErrorAlert, Field, Page } from '../ui/components';
import { useLoad, useMoney } from '../ui/hooks';

export function CloseSession({ session, onClosed, onReopen }: { session: PosSession | null; onClosed: () => void; onReopen: () => void }) {
  const { t } = useTranslation();
  const money = useMoney();
  const [closed, setClosed] = useState<PosSession | null>(session?.state === 'closed' ? session : null);
  const [counted, setCounted] = useState(centsToInput(0));
  const [countedError, setCountedError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (session === null) return;
    const cents = parseCents(counted);
    setCountedError(cents === null ? t('pos.badAmount') : null);
    if (cents === null) return;
    setError(null);
    try {
      setClosed(await sessions.close(session.id, cents));
      onClosed();
    } catch (caught) {
      setError(caught);
    }
  };

  if (closed?.closing) {
    const c = closed.closing;
    return (
      <Page title={t('pos.closedTitle')}>
        <div className="table-wrap">
          <table aria-label={t('pos.totalsPerMethod')}>
            <caption>{t('pos.totalsPerMethod')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('pos.method')}</th>
                <th scope="col" className="num">
                  {t('pos.count')}
                </th>
                <th scope="col" className="num">
                  {t('pos.total')}
                </th>
              </tr>
            </thead>
            <tbody>
              {c.totals.map((m) => (
                <tr key={m.methodId}>
                  <th scope="row">{m.methodName}</th>
                  <td className="num">{m.count}</td>
                  <td className="num">{money(m.totalCents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <dl className="pairs card">
          <dt>{t('pos.openingCashLine')}</dt>
          <dd>{money(c.openingCashCents)}</dd>
          <dt>{t('pos.expectedCash')}</dt>
          <dd>{money(c.expectedCashCents)}</dd>
          <dt>{t('pos.countedCash')}</dt>
          <dd>{money(c.countedCashCents)}</dd>
          <dt>{t('pos.difference')}</dt>
          <dd>{money(c.cashDifferenceCents)}</dd>
        </dl>
        <button type="button" className="primary" onClick={onReopen}>
          {t('pos.openAnother')}
        </button>
      </Page>
    );
  }
  return (
    <Page title={t('pos.closeTitle')} actions={<a href="#/pos">{t('pos.backToProducts')}</a>}>
      {session === null ? null : <ClosingBlockers sessionId={session.id} />}
      <form className="card narrow" aria-label={t('pos.closeTitle')} onSubmit={(e) => void submit(e)}>
        <Field label={t('pos.countedCash')} error={countedError}>
          {(props) => <input {...props} inputMode="decimal" value={counted} onChange={(e) => setCounted(e.target.value)} className="short" />}
        </Field>
        <ErrorAlert error={error} />
        <button type="submit" className="primary">
          {t('pos.close')}
        </button>
      </form>
    </Page>
  );
}

/** What stands in the way of closing: the session's open orders, each a link to resume it. */
function ClosingBlockers({ sessionId }: { sessionId: number }) {
  const { t } = useTranslation();
  const money = useMoney();
  const loaded = useLoad(() => orders.list({ sessionId, state: 'draft', limit: 500 }), [sessionId]);
  const reload = () => void loaded.reload();
  useLiveEvents('order', reload, reload);
  const list = loaded.data;
  if (list === undefined || list.total === 0) return null;
  return (
    <section className="card blockers" aria-labelledby="blockers-title">
      <h2 id="blockers-title">{t('orders.blockersTitle', { count: list.total })}</h2>
      <p>{t('orders.blockersText')}</p>
      <ul>
        {list.items.map((o) => (
          <li key={o.id} className={o.attention ? 'attention' : undefined}>
            <a href={`#/pos/order/${o.id}`}>{t('orders.resumeOrder', { number: o.id.slice(0, 8), total: money(o.totalCents) })}</a>{' '}
            <span className={`badge badge-${o.attention ? 'off' : 'busy'}`}>{t(`orders.statuses.${o.status}`)}</span>
            {o.attention ? <span className="attention-note">{t('orders.attention')}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
