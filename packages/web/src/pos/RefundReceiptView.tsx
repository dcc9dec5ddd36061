import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { queries } from '../api/queries';
import { LoadState, useDocumentTitle } from '../ui/components';
import { useDateTime, useMoney } from '../ui/hooks';
import { navigate } from '../ui/router';

/** The refund receipt, ready to print: the lines returned, the amount paid back and how, the reason. */
export function RefundReceiptView({ orderId, refundId }: { orderId: string; refundId: string }) {
  const { t } = useTranslation();
  useDocumentTitle(t('pos.refundReceipt'));
  const money = useMoney();
  const dateTime = useDateTime();
  const loaded = useQuery(queries.orders.refundReceipt(orderId, refundId));
  return (
    <section className="page receipt-page" aria-labelledby="page-title">
      <div className="page-head no-print">
        <h1 id="page-title" tabIndex={-1}>
          {t('pos.refundReceipt')}
        </h1>
        <button type="button" onClick={() => window.print()}>
          {t('pos.printRefund')}
        </button>
        {/* A cancelled order has no receipt to go back to: its screen lists what was paid back. */}
        {loaded.data?.receiptNumber === null ? (
          <button type="button" onClick={() => navigate(`/pos/order/${orderId}`)}>
            {t('pos.backToOrder')}
          </button>
        ) : (
          <button type="button" onClick={() => navigate(`/pos/receipt/${orderId}`)}>
            {t('pos.receipt')}
          </button>
        )}
      </div>
      <LoadState query={loaded}>
        {(receipt) => (
          <article className="receipt" aria-label={t('pos.refundReceipt')}>
            <header>
              <h2>{receipt.company.name}</h2>
              <p>
                {receipt.receiptNumber === null
                  ? t('pos.refundOfCancelled', { number: receipt.orderId.slice(0, 8) })
                  : t('pos.refundOf', { number: receipt.receiptNumber })}
              </p>
              <p>{dateTime(receipt.refund.createdAt)}</p>
            </header>
            <table className="receipt-lines">
              <caption className="visually-hidden">{t('pos.refundLines')}</caption>
              <tbody>
                {receipt.refund.lines.map((line) => (
                  <tr key={line.position}>
                    <td>
                      {line.quantity} × {line.name}
                    </td>
                    <td className="num">{money(-line.amountCents)}</td>
                  </tr>
                ))}
                <tr>
                  <td>
                    <strong>{t('pos.refundTotal')}</strong>
                  </td>
                  <td className="num" data-testid="refund-total">
                    <strong>{money(-receipt.refund.amountCents)}</strong>
                  </td>
                </tr>
                <tr>
                  <td>{receipt.refund.methodName}</td>
                  <td className="num">{t(`state.${receipt.refund.state}`)}</td>
                </tr>
              </tbody>
            </table>
            <p>{t('pos.refundReasonIs', { reason: receipt.refund.reason })}</p>
            {receipt.cardholderTickets.map((ticket, index) => (
              <figure key={index} className="ticket">
                <figcaption>{t('pos.cardholderTicket')}</figcaption>
                <pre>{ticket}</pre>
              </figure>
            ))}
          </article>
        )}
      </LoadState>
    </section>
  );
}
