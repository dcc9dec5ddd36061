import type { PaymentDetail, User } from '@kassa/contract';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { queries } from '../api/queries';
import { allOf } from '../api/queryState';
import { paymentStatus } from '../pos/paymentStatus';
import { LoadState, Page } from '../ui/components';
import { useDateTime, useMoney } from '../ui/hooks';
import { StateBadge } from './StateBadge';

export function PaymentDetailPage({ uuid }: { uuid: string }) {
  const { t } = useTranslation();
  // Its events re-read it (`liveCache.ts`).
  const loaded = allOf(useQuery(queries.payments.detail(uuid)), useQuery(queries.users()));
  return (
    <Page title={t('payments.detailTitle')} actions={<a href="#/admin/payments">{t('payments.back')}</a>}>
      <LoadState query={loaded}>{([detail, people]) => <Detail detail={detail} people={people} />}</LoadState>
    </Page>
  );
}

function Detail({ detail, people }: { detail: PaymentDetail; people: User[] }) {
  const { t } = useTranslation();
  const money = useMoney();
  const dateTime = useDateTime();
  const { payment } = detail;
  const status = paymentStatus(detail);
  const nameOf = (id: number | null) => people.find((p) => p.id === id)?.username ?? String(id ?? '?');
  const source = (entry: PaymentDetail['history'][number]) =>
    entry.source === 'user' ? nameOf(entry.userId) : entry.source === 'box' ? t('payments.sourceBox') : t('payments.sourceServer');
  return (
    <div className="stack">
      <dl className="pairs card">
        <dt>{t('payments.amount')}</dt>
        <dd>{money(payment.amountCents)}</dd>
        <dt>{t('payments.state')}</dt>
        <dd>
          <StateBadge state={payment.state} />
          {/* The words add to the badge only when they say more than the state (a stage, a reason). */}
          {status.key === `state.${payment.state}` ? null : <> {t(status.key)}</>}
        </dd>
        <dt>{t('payments.order')}</dt>
        <dd>
          <code>{payment.orderId}</code>
        </dd>
        <dt>{t('payments.time')}</dt>
        <dd>{dateTime(payment.createdAt)}</dd>
        <dt>UUID</dt>
        <dd>
          <code>{payment.uuid}</code>
        </dd>
      </dl>
      {payment.settledBy === null ? null : (
        <p className="note">{t('payments.settledBy', { user: nameOf(payment.settledBy), reason: payment.settleReason ?? '' })}</p>
      )}
      {payment.approvedBy === null || payment.approvedBy === payment.settledBy ? null : (
        <p className="note">{t('payments.approvedBy', { user: nameOf(payment.approvedBy) })}</p>
      )}
      <section aria-labelledby="history-title">
        <h2 id="history-title">{t('payments.history')}</h2>
        <div className="table-wrap">
          <table aria-labelledby="history-title">
            <thead>
              <tr>
                <th scope="col">{t('payments.time')}</th>
                <th scope="col">{t('payments.source')}</th>
                <th scope="col">{t('payments.event')}</th>
                <th scope="col">{t('payments.change')}</th>
                <th scope="col">{t('payments.message')}</th>
              </tr>
            </thead>
            <tbody>
              {detail.history.map((entry, index) => (
                <tr key={index}>
                  <td>{dateTime(entry.at)}</td>
                  <td>{source(entry)}</td>
                  <td>{entry.event}</td>
                  <td>
                    {entry.fromState === entry.toState ? t(`state.${entry.toState}`) : `${t(`state.${entry.fromState}`)} → ${t(`state.${entry.toState}`)}`}
                  </td>
                  <td>{sameAsEvent(entry) ? '' : (entry.message ?? '')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="tickets-title">
        <h2 id="tickets-title">{t('payments.tickets')}</h2>
        {detail.tickets.length === 0 ? <p>{t('payments.noTickets')}</p> : null}
        <div className="tickets">
          {detail.tickets.map((ticket, index) => (
            <figure key={index} className="ticket">
              <figcaption>
                {ticket.type} · {dateTime(ticket.at)}
              </figcaption>
              <pre>{ticket.text}</pre>
            </figure>
          ))}
        </div>
      </section>
    </div>
  );
}

/** A message that only repeats the event ("Approved" on an approved entry) says nothing the change column does not: it is left out. */
function sameAsEvent(entry: { event: string; message: string | null }): boolean {
  return entry.message !== null && entry.message.trim().toLowerCase() === entry.event.toLowerCase();
}
