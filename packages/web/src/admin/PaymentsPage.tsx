import type { PaymentState } from '@kassa/contract';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { queries } from '../api/queries';
import { allOf } from '../api/queryState';
import { PAYMENT_STATES } from '../pos/paymentStatus';
import { DataTable, LoadState, Page } from '../ui/components';
import { useDateTime, useMoney } from '../ui/hooks';
import { pageView } from './paging';
import { StateBadge } from './StateBadge';

/** Payments per page; the server gives at most 200. */
const PAGE = 50;

/** What was typed, once the typing pauses, so the server is not asked on every key. */
function useSettled(value: string, delayMs: number): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

export function PaymentsPage() {
  const { t } = useTranslation();
  const money = useMoney();
  const dateTime = useDateTime();
  const searchId = useId();
  const [query, setQuery] = useState('');
  const [state, setState] = useState<PaymentState | ''>('');
  const text = useSettled(query.trim(), 250);
  // The page belongs to the search it was chosen in: a new search starts at the first page.
  const search = `${state}\n${text}`;
  const [paging, setPaging] = useState({ search, offset: 0 });
  const offset = paging.search === search ? paging.offset : 0;
  const setOffset = (next: number) => setPaging({ search, offset: next });
  // Payment events re-read it (`liveCache.ts`); another search keeps the last page shown until it is read.
  const found = useQuery({
    ...queries.payments.list({ text: text === '' ? undefined : text, state: state === '' ? undefined : state, limit: PAGE, offset }),
    placeholderData: keepPreviousData,
  });
  const loaded = allOf(found, useQuery(queries.paymentMethods()), useQuery(queries.devices()));

  return (
    <Page title={t('payments.title')}>
      <div role="search" className="search">
        <label htmlFor={searchId}>{t('payments.search')}</label>
        <input id={searchId} type="search" value={query} onChange={(e) => setQuery(e.target.value)} aria-describedby={`${searchId}-help`} />
        <small id={`${searchId}-help`} className="help">
          {t('payments.searchHelp')}
        </small>
        <label htmlFor={`${searchId}-state`}>{t('payments.state')}</label>
        <select id={`${searchId}-state`} value={state} onChange={(e) => setState(e.target.value as PaymentState | '')}>
          <option value="">{t('payments.anyState')}</option>
          {PAYMENT_STATES.map((s) => (
            <option key={s} value={s}>
              {t(`state.${s}`)}
            </option>
          ))}
        </select>
      </div>
      <LoadState query={loaded}>
        {([list, methods, deviceList]) => {
          const rows = list.items.map((p) => ({
            p,
            method: methods.find((m) => m.id === p.paymentMethodId),
            device: deviceList.find((d) => d.id === p.deviceId),
          }));
          if (rows.length === 0) return <p>{t('payments.empty')}</p>;
          const page = pageView({ offset: list.offset, limit: PAGE, shown: list.items.length, total: list.total });
          return (
            <>
              <nav aria-label={t('payments.pages')} className="pager">
                <button type="button" disabled={page.previous === null} onClick={() => page.previous !== null && setOffset(page.previous)}>
                  {t('payments.previous')}
                </button>
                <span role="status">{t('payments.range', { from: page.from, to: page.to, total: page.total })}</span>
                <button type="button" disabled={page.next === null} onClick={() => page.next !== null && setOffset(page.next)}>
                  {t('payments.next')}
                </button>
              </nav>
              <DataTable
                label={t('payments.title')}
                columns={[
                  t('payments.time'),
                  { label: t('payments.amount'), numeric: true },
                  t('payments.state'),
                  t('payments.method'),
                  t('payments.terminal'),
                  t('app.actions'),
                ]}
              >
                {rows.map(({ p, method, device }) => (
                  <tr key={p.uuid}>
                    <td>{dateTime(p.createdAt)}</td>
                    <td className="num">{money(p.amountCents)}</td>
                    <td>
                      <StateBadge state={p.state} />
                    </td>
                    <td>{method?.name ?? p.paymentMethodId}</td>
                    <td>{device === undefined ? '' : `${device.model} · ${device.terminalId}`}</td>
                    <td>
                      <a href={`#/admin/payments/${p.uuid}`} aria-label={`${t('payments.open')} ${money(p.amountCents)} ${dateTime(p.createdAt)}`}>
                        {t('payments.open')}
                      </a>
                    </td>
                  </tr>
                ))}
              </DataTable>
            </>
          );
        }}
      </LoadState>
    </Page>
  );
}
