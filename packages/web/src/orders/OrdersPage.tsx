import type { OrderSummary } from '@kassa/contract';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { queries } from '../api/queries';
import { pageView } from '../admin/paging';
import { parseCents } from '../money';
import { DataTable, LoadState, Page } from '../ui/components';
import { useDateTime, useMoney } from '../ui/hooks';
import { navigate } from '../ui/router';
import type { OrderFilters } from './orderQuery';
import { formatOrderFilters, ORDER_STATUSES, ORDERS_PAGE, parseOrderFilters, toListQuery } from './orderQuery';

const TONE: Record<OrderSummary['status'], string> = { open: 'busy', paidNotValidated: 'warn', validated: 'ok', cancelled: 'off' };

/**
 * Every order findable: by status, by order number or receipt number, by amount, by POS, with the
 * filters and the page in the address: status, text or amount, from and to (date and time). A
 * cashier sees the orders of their own POS (`posConfigId`); admins and managers choose the POS and
 * the session. An order whose settled money and what it should be disagree is flagged.
 */
export function OrdersPage({ basePath, search, posConfigId }: { basePath: string; search: string; posConfigId: number | null }) {
  const { t } = useTranslation();
  const money = useMoney();
  const dateTime = useDateTime();
  const searchId = useId();
  const filters = parseOrderFilters(search);
  const scoped: OrderFilters = posConfigId === null ? filters : { ...filters, posConfigId };
  const go = (next: Partial<OrderFilters>) => navigate(`${basePath}${formatOrderFilters({ ...filters, offset: 0, ...next })}`);
  const [text, setText] = useState(filters.text);
  useEffect(() => setText(filters.text), [filters.text]);
  useEffect(() => {
    // Searching once the typing pauses, so the server is not asked on every key.
    if (text.trim() === filters.text) return undefined;
    const timer = setTimeout(() => go({ text: text.trim() }), 300);
    return () => clearTimeout(timer);
  });
  // Order and payment events re-read it (`liveCache.ts`); another search keeps the last page shown until it is read.
  const found = useQuery({ ...queries.orders.list(toListQuery(scoped, parseCents)), placeholderData: keepPreviousData });
  const configs = useQuery({ ...queries.posConfigs(), enabled: posConfigId === null });
  const sessions = useQuery({ ...queries.sessions.list(), enabled: posConfigId === null });
  const posName = (id: number) => configs.data?.find((c) => c.id === id)?.name ?? `POS ${id}`;
  const shownSessions = (sessions.data ?? []).filter((s) => filters.posConfigId === null || s.posConfigId === filters.posConfigId);

  return (
    <Page title={t('orders.title')}>
      <div role="search" className="search">
        <label htmlFor={searchId}>{t('orders.search')}</label>
        <input id={searchId} type="search" value={text} onChange={(e) => setText(e.target.value)} aria-describedby={`${searchId}-help`} />
        <small id={`${searchId}-help`} className="help">
          {t('orders.searchHelp')}
        </small>
        <label htmlFor={`${searchId}-status`}>{t('orders.status')}</label>
        <select
          id={`${searchId}-status`}
          value={filters.status ?? ''}
          onChange={(e) => go({ status: e.target.value === '' ? null : (e.target.value as OrderFilters['status']) })}
        >
          <option value="">{t('orders.anyStatus')}</option>
          {ORDER_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`orders.statuses.${s}`)}
            </option>
          ))}
        </select>
        {posConfigId === null ? (
          <>
            <label htmlFor={`${searchId}-pos`}>{t('orders.pos')}</label>
            <select
              id={`${searchId}-pos`}
              value={filters.posConfigId ?? ''}
              onChange={(e) => go({ posConfigId: e.target.value === '' ? null : Number(e.target.value) })}
            >
              <option value="">{t('orders.anyPos')}</option>
              {(configs.data ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </>
        ) : null}
        {posConfigId === null ? (
          <>
            <label htmlFor={`${searchId}-session`}>{t('orders.session')}</label>
            <select
              id={`${searchId}-session`}
              value={filters.sessionId ?? ''}
              onChange={(e) => go({ sessionId: e.target.value === '' ? null : Number(e.target.value) })}
            >
              <option value="">{t('orders.anySession')}</option>
              {filters.sessionId !== null && !shownSessions.some((s) => s.id === filters.sessionId) ? (
                <option value={filters.sessionId}>{t('pos.session', { id: filters.sessionId })}</option>
              ) : null}
              {shownSessions.map((s) => (
                <option key={s.id} value={s.id}>
                  {t('orders.sessionOption', { id: s.id, pos: posName(s.posConfigId), opened: dateTime(s.openedAt) })}
                </option>
              ))}
            </select>
          </>
        ) : null}
        <label htmlFor={`${searchId}-from`}>{t('orders.from')}</label>
        <input
          id={`${searchId}-from`}
          type="datetime-local"
          value={filters.from ?? ''}
          onChange={(e) => go({ from: e.target.value === '' ? null : e.target.value })}
        />
        <label htmlFor={`${searchId}-to`}>{t('orders.to')}</label>
        <input
          id={`${searchId}-to`}
          type="datetime-local"
          value={filters.to ?? ''}
          onChange={(e) => go({ to: e.target.value === '' ? null : e.target.value })}
        />
        <label className="check">
          <input type="checkbox" checked={filters.attention} onChange={(e) => go({ attention: e.target.checked })} />
          {t('orders.attentionOnly')}
        </label>
      </div>
      <LoadState query={found}>
        {(list) => {
          if (list.items.length === 0) return <p>{t('orders.empty')}</p>;
          const page = pageView({ offset: list.offset, limit: ORDERS_PAGE, shown: list.items.length, total: list.total });
          return (
            <>
              <nav aria-label={t('orders.pages')} className="pager">
                <button type="button" disabled={page.previous === null} onClick={() => page.previous !== null && go({ ...filters, offset: page.previous })}>
                  {t('payments.previous')}
                </button>
                <span role="status">{t('payments.range', { from: page.from, to: page.to, total: page.total })}</span>
                <button type="button" disabled={page.next === null} onClick={() => page.next !== null && go({ ...filters, offset: page.next })}>
                  {t('payments.next')}
                </button>
              </nav>
              <DataTable
                label={t('orders.title')}
                columns={[
                  t('orders.time'),
                  t('orders.number'),
                  t('orders.pos'),
                  t('orders.status'),
                  { label: t('orders.total'), numeric: true },
                  { label: t('orders.paid'), numeric: true },
                  t('orders.action'),
                ]}
              >
                {list.items.map((o) => (
                  <tr key={o.id} className={o.attention ? 'attention' : undefined} data-order={o.id}>
                    <td>{dateTime(o.createdAt)}</td>
                    <td>
                      <code>{o.receiptNumber === null ? o.id.slice(0, 8) : `#${o.receiptNumber}`}</code>
                    </td>
                    <td>{o.posName}</td>
                    <td>
                      <span className={`badge badge-${o.attention ? 'off' : TONE[o.status]}`}>{t(`orders.statuses.${o.status}`)}</span>
                      {o.attention ? (
                        <span className="attention-note">{t(o.state === 'cancelled' ? 'orders.attentionCancelled' : 'orders.attention')}</span>
                      ) : null}
                    </td>
                    <td className="num">{money(o.totalCents)}</td>
                    <td className="num">
                      {money(o.paidCents)}
                      {o.refundedCents > 0 ? <span className="refunded-note">{t('orders.refunded', { amount: money(o.refundedCents) })}</span> : null}
                    </td>
                    <td>
                      {o.state === 'draft' ? (
                        <a href={`#/pos/order/${o.id}`}>{t('orders.resume')}</a>
                      ) : o.state === 'paid' ? (
                        <a href={`#/pos/receipt/${o.id}`}>{t('pos.receipt')}</a>
                      ) : o.refundedCents > 0 || o.attention ? (
                        // A cancelled order that paid back: its refunds, each with its refund receipt.
                        <a href={`#/pos/order/${o.id}`}>{t('pos.refundsDone')}</a>
                      ) : null}
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
