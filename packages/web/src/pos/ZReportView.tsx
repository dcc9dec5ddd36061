import type { CardTotal, SettledPayment, ZReport } from '@kassa/contract';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { sessions } from '../api/endpoints';
import { queries } from '../api/queries';
import { LoadState, useDocumentTitle } from '../ui/components';
import { useDateTime, useMoney } from '../ui/hooks';

type Paper = 'receipt' | 'a4';

/** The Z report of a closed session: prints on an 80 mm receipt printer or on A4, with links to its JSON and CSV. */
export function ZReportView({ sessionId }: { sessionId: number }) {
  const { t } = useTranslation();
  useDocumentTitle(t('closing.zReportOf', { id: sessionId }));
  const loaded = useQuery(queries.sessions.report(sessionId));
  const [paper, setPaper] = useState<Paper>('receipt');
  return (
    <section className="page z-report-page" aria-labelledby="page-title">
      <div className="page-head no-print">
        <h1 id="page-title" tabIndex={-1}>
          {t('closing.zReportOf', { id: sessionId })}
        </h1>
        <fieldset className="row paper-choice">
          <legend>{t('closing.paper')}</legend>
          {(['receipt', 'a4'] as const).map((p) => (
            <label key={p} className="check">
              <input type="radio" name="paper" value={p} checked={paper === p} onChange={() => setPaper(p)} />
              {t(`closing.papers.${p}`)}
            </label>
          ))}
        </fieldset>
        <button type="button" className="primary" onClick={() => window.print()}>
          {t('closing.print')}
        </button>
        <a href={sessions.reportJsonUrl(sessionId)} target="_blank" rel="noreferrer">
          {t('closing.json')}
        </a>
        <a href={sessions.reportCsvUrl(sessionId)} download={`z-report-${sessionId}.csv`}>
          {t('closing.csv')}
        </a>
      </div>
      <LoadState query={loaded}>{(report) => <ZReportPaper report={report} paper={paper} />}</LoadState>
    </section>
  );
}

function ZReportPaper({ report, paper }: { report: ZReport; paper: Paper }) {
  const { t } = useTranslation();
  const money = useMoney();
  const dateTime = useDateTime();
  return (
    <article className={`z-report paper-${paper}`} aria-label={t('closing.zReportOf', { id: report.sessionId })}>
      <header>
        <h2>{t('closing.zReport')}</h2>
        <p>
          {report.posName} · {t('pos.session', { id: report.sessionId })}
        </p>
        <p>{t('closing.openedBy', { at: dateTime(report.openedAt), user: report.openedBy ?? '—' })}</p>
        <p>{t('closing.closedBy', { at: dateTime(report.closedAt), user: report.closedBy ?? '—' })}</p>
      </header>
      <h3>{t('closing.cashTitle')}</h3>
      <dl className="z-lines">
        <dt>{t('pos.openingCashLine')}</dt>
        <dd>{money(report.openingCashCents)}</dd>
        <dt>{t('closing.cashSales', { n: report.cashSalesCount })}</dt>
        <dd>{money(report.cashSalesCents)}</dd>
        <dt>{t('closing.changeGiven')}</dt>
        <dd>{money(report.changeGivenCents)}</dd>
        <dt>{t('closing.cashRefunds')}</dt>
        <dd>{money(report.cashRefundsCents === 0 ? 0 : -report.cashRefundsCents)}</dd>
        <dt>{t('pos.expectedCash')}</dt>
        <dd>{money(report.expectedCashCents)}</dd>
        <dt>{t('pos.countedCash')}</dt>
        <dd>{money(report.countedCashCents)}</dd>
        <dt>{t('pos.difference')}</dt>
        <dd>
          <strong>{money(report.cashDifferenceCents)}</strong>
        </dd>
      </dl>
      {report.differenceApprovedBy === null ? null : (
        <p>
          {t('closing.differenceApproved', { user: report.differenceApprovedBy })}
          {report.differenceReason === null ? null : `: ${report.differenceReason}`}
        </p>
      )}
      {report.count === null ? null : (
        <table className="z-table">
          <caption>{t('closing.countByPiece')}</caption>
          <tbody>
            {report.count.map((c) => (
              <tr key={c.valueCents}>
                <th scope="row">
                  {c.quantity} × {money(c.valueCents)}
                </th>
                <td className="num">{money(c.valueCents * c.quantity)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <table className="z-table">
        <caption>{t('pos.totalsPerMethod')}</caption>
        <tbody>
          {report.totals.map((m) => (
            <tr key={m.methodId}>
              <th scope="row">
                {m.methodName} ({m.count})
              </th>
              <td className="num">{money(m.totalCents)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <CardTotalsTable cards={report.cards} compact />
      <SettledByHandTable payments={report.settledByHand} compact />
      <p className="z-thresh">{t('closing.thresholdNote', { threshold: money(report.thresholdCents) })}</p>
    </article>
  );
}

/** Card sales and refunds per payment method and terminal. */
export function CardTotalsTable({ cards, compact = false }: { cards: readonly CardTotal[]; compact?: boolean }) {
  const { t } = useTranslation();
  const money = useMoney();
  if (cards.length === 0) return null;
  return (
    <div className={compact ? undefined : 'table-wrap'}>
      <table className={compact ? 'z-table' : undefined} aria-label={t('closing.cardTotals')}>
        <caption>{t('closing.cardTotals')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('pos.method')}</th>
            <th scope="col">{t('closing.terminal')}</th>
            <th scope="col" className="num">
              {t('closing.sales')}
            </th>
            <th scope="col" className="num">
              {t('closing.refunds')}
            </th>
          </tr>
        </thead>
        <tbody>
          {cards.map((c) => (
            <tr key={`${c.methodId}-${c.deviceId ?? ''}-${c.terminalId ?? ''}`}>
              <th scope="row">{c.methodName}</th>
              <td>{c.terminalId ?? '—'}</td>
              <td className="num">
                {c.salesCount} · {money(c.salesCents)}
              </td>
              <td className="num">
                {c.refundsCount} · {money(c.refundsCents)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The payment and refund lines settled by hand (forced done or marked failed), for review; a refund shows as one, its amount given back. */
export function SettledByHandTable({ payments, compact = false }: { payments: readonly SettledPayment[]; compact?: boolean }) {
  const { t } = useTranslation();
  const money = useMoney();
  if (payments.length === 0) return null;
  return (
    <div className={compact ? undefined : 'table-wrap'}>
      <table className={compact ? 'z-table' : undefined} aria-label={t('closing.settledByHand')}>
        <caption>{t('closing.settledByHand')}</caption>
        <tbody>
          {payments.map((p) => (
            <tr key={p.uuid}>
              <th scope="row">
                {compact ? (
                  `${p.refund ? `${t('closing.refundLine')} · ` : ''}${t(`state.${p.state}`, { defaultValue: p.state })} · ${p.methodName}`
                ) : (
                  <a href={p.refund ? `#/pos/order/${p.orderId}` : `#/pos/receipt/${p.orderId}`}>
                    {p.refund ? `${t('closing.refundLine')} · ` : ''}
                    {t(`state.${p.state}`, { defaultValue: p.state })} · {p.methodName}
                  </a>
                )}
                <span className="block muted">
                  {t('closing.settledLine', { user: p.settledBy ?? '—', approver: p.approvedBy ?? '—', reason: p.reason ?? '' })}
                </span>
              </th>
              <td className="num">{money(p.refund ? -p.amountCents : p.amountCents)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
