import type { Receipt } from '@kassa/contract';
import { useQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { queries } from '../api/queries';
import { LoadState, useDocumentTitle } from '../ui/components';
import { useDateTime, useMoney } from '../ui/hooks';
import { navigate } from '../ui/router';
import { PAID_STATES } from './paymentStatus';
import { RefundPanel } from './RefundPanel';
import { Totals } from './Totals';

export function ReceiptView({ orderId }: { orderId: string }) {
  const { t } = useTranslation();
  useDocumentTitle(t('pos.receipt'));
  // A refund line of this order moves with its terminal: its events re-read the receipt (`liveCache.ts`).
  const receipt = useQuery(queries.orders.receipt(orderId));
  const [refunding, setRefunding] = useState(false);
  return (
    <section className="page receipt-page" aria-labelledby="page-title">
      <div className="page-head no-print">
        <h1 id="page-title" tabIndex={-1}>
          {t('pos.receipt')}
        </h1>
        <button type="button" onClick={() => window.print()}>
          {t('pos.print')}
        </button>
        <button type="button" aria-expanded={refunding} onClick={() => setRefunding((r) => !r)}>
          {t('pos.refund')}
        </button>
        <button type="button" className="primary" onClick={() => navigate('/pos')}>
          {t('pos.newOrder')}
        </button>
      </div>
      <LoadState query={receipt}>{(receipt) => <ReceiptPaper receipt={receipt} />}</LoadState>
      {refunding ? <RefundPanel orderId={orderId} onChanged={() => void receipt.refetch()} /> : null}
    </section>
  );
}

function ReceiptPaper({ receipt }: { receipt: Receipt }) {
  const { t } = useTranslation();
  const money = useMoney();
  const dateTime = useDateTime();
  return (
    <article className="receipt" aria-label={t('pos.receiptNumber', { number: receipt.receiptNumber })}>
      <header>
        <h2>{receipt.company.name}</h2>
        <p>{t('pos.receiptNumber', { number: receipt.receiptNumber })}</p>
        <p>{dateTime(receipt.validatedAt)}</p>
      </header>
      <table className="receipt-lines">
        <caption className="visually-hidden">{t('pos.order')}</caption>
        <tbody>
          {receipt.lines.map((line) => (
            <tr key={line.productId}>
              <td>
                {line.quantity} × {line.name}
              </td>
              <td className="num">{money(line.totalCents)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Totals totalCents={receipt.totalCents} vatCents={receipt.vat.reduce((sum, g) => sum + g.vatCents, 0)} vat={receipt.vat} />
      <table className="receipt-payments">
        <caption className="visually-hidden">{t('pos.payments')}</caption>
        <tbody>
          {receipt.payments.map((p, index) =>
            p.tenderedCents !== null && p.changeCents !== null && p.changeCents > 0 ? (
              <Fragment key={index}>
                <tr>
                  <td>{p.method}</td>
                  <td className="num">{money(p.tenderedCents)}</td>
                </tr>
                <tr>
                  <td>{t('pos.change')}</td>
                  <td className="num">{money(p.changeCents)}</td>
                </tr>
              </Fragment>
            ) : (
              <tr key={index}>
                <td>
                  {p.method}
                  {p.state === 'forceDone' ? ` — ${t('pos.receiptSettledByHand')}` : ''}
                </td>
                <td className="num">{money(p.amountCents)}</td>
              </tr>
            ),
          )}
        </tbody>
      </table>
      {receipt.refunds.length === 0 ? null : (
        <table className="receipt-refunds">
          <caption>{t('pos.refundsDone')}</caption>
          <tbody>
            {receipt.refunds.map((r) => (
              <tr key={r.uuid} data-state={r.state}>
                <td>
                  {t('pos.refundBy', { method: r.method })}
                  {PAID_STATES.includes(r.state) ? '' : ` (${t(`state.${r.state}`)})`}
                  <br />
                  <small>{r.reason}</small>
                </td>
                <td className="num">{money(-r.amountCents)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {receipt.cardholderTickets.map((ticket, index) => (
        <figure key={index} className="ticket">
          <figcaption>{t('pos.cardholderTicket')}</figcaption>
          <pre>{ticket}</pre>
        </figure>
      ))}
    </article>
  );
}
