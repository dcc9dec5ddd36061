import type { ClosingBlockers as Blockers, ClosingPreview, DenominationCount, EuroDenominationCents, ManagerApproval, PosSession } from '@kassa/contract';
import { useQuery } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client';
import { sessions } from '../api/endpoints';
import { queries } from '../api/queries';
import { parseCents } from '../money';
import { ErrorAlert, Field, LoadState, Page } from '../ui/components';
import { useCentsInput, useMoney } from '../ui/hooks';
import { ManagerApprovalDialog } from './ManagerApprovalDialog';
import { CardTotalsTable, SettledByHandTable } from './ZReportView';

/** The euro notes and coins of the count, largest first; typed against the contract's list (the app imports only its types). */
const EURO_DENOMINATIONS_CENTS = [
  50_000, 20_000, 10_000, 5_000, 2_000, 1_000, 500, 200, 100, 50, 20, 10, 5, 2, 1,
] as const satisfies readonly EuroDenominationCents[];

/** The server's answer to a difference beyond the threshold without approval: ask a manager. */
function needsApproval(error: unknown): boolean {
  return isApiError(error, 'KASSA_FORBIDDEN') && error.details?.['needs'] === 'managerApproval';
}

export function CloseSession({ session, onClosed, onReopen }: { session: PosSession | null; onClosed: () => void; onReopen: () => void }) {
  const { t } = useTranslation();
  const money = useMoney();
  const [closed, setClosed] = useState<PosSession | null>(session?.state === 'closed' ? session : null);

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
        <div className="row">
          <a className="button" href={`#/pos/report/${closed.id}`}>
            {t('closing.zReport')}
          </a>
          <button type="button" className="primary" onClick={onReopen}>
            {t('pos.openAnother')}
          </button>
        </div>
      </Page>
    );
  }
  return (
    <Page title={t('pos.closeTitle')} actions={<a href="#/pos">{t('pos.backToProducts')}</a>}>
      {session === null ? null : (
        <ClosingForm
          sessionId={session.id}
          onClosed={(done) => {
            setClosed(done);
            onClosed();
          }}
        />
      )}
    </Page>
  );
}

/**
 * The closing form: the figures the drawer should hold, the counted cash (typed, or counted by note
 * and coin), the difference as it is typed, the card totals per method and terminal and the
 * payments settled by hand. A difference beyond the threshold brings the manager approval dialog.
 */
function ClosingForm({ sessionId, onClosed }: { sessionId: number; onClosed: (session: PosSession) => void }) {
  // Order and payment events re-read it (`liveCache.ts`).
  const preview = useQuery(queries.sessions.closingPreview(sessionId));
  return (
    <LoadState query={preview}>
      {(preview) => (
        <>
          <ClosingBlockers blockers={preview.blockers} />
          <ClosingFormBody preview={preview} onClosed={onClosed} />
        </>
      )}
    </LoadState>
  );
}

function ClosingFormBody({ preview, onClosed }: { preview: ClosingPreview; onClosed: (session: PosSession) => void }) {
  const { t } = useTranslation();
  const money = useMoney();
  const centsInput = useCentsInput();
  const [counted, setCounted] = useState('');
  const [countedError, setCountedError] = useState<string | null>(null);
  const [pieces, setPieces] = useState<Record<number, string>>({});
  const [byCount, setByCount] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [asking, setAsking] = useState<{ countedCashCents: number; count: DenominationCount[] | undefined } | null>(null);

  const count: DenominationCount[] = EURO_DENOMINATIONS_CENTS.map((valueCents) => ({
    valueCents,
    quantity: Number.parseInt(pieces[valueCents] ?? '', 10),
  })).filter((c) => Number.isSafeInteger(c.quantity) && c.quantity > 0);
  const setPiece = (valueCents: number, text: string) => {
    const next = { ...pieces, [valueCents]: text.replace(/[^0-9]/g, '') };
    setPieces(next);
    setByCount(true);
    const sum = EURO_DENOMINATIONS_CENTS.reduce((s, v) => s + v * (Number.parseInt(next[v] ?? '', 10) || 0), 0);
    setCounted(centsInput(sum));
  };
  const countedCents = parseCents(counted);
  const difference = countedCents === null ? null : countedCents - preview.expectedCashCents;
  const beyond = difference !== null && Math.abs(difference) > preview.thresholdCents;

  const close = async (countedCashCents: number, pieceCount: DenominationCount[] | undefined, approval?: ManagerApproval, reason?: string) => {
    const body = { countedCashCents, ...(pieceCount === undefined ? {} : { count: pieceCount }), ...(approval === undefined ? {} : { approval, reason }) };
    onClosed(await sessions.close(preview.sessionId, body));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setCountedError(countedCents === null ? t('pos.badAmount') : null);
    if (countedCents === null) return;
    setError(null);
    const pieceCount = byCount ? count : undefined;
    try {
      await close(countedCents, pieceCount);
    } catch (caught) {
      if (needsApproval(caught)) setAsking({ countedCashCents: countedCents, count: pieceCount });
      else setError(caught);
    }
  };

  return (
    <>
      <section className="card" aria-labelledby="cash-title">
        <h2 id="cash-title">{t('closing.cashTitle')}</h2>
        <dl className="pairs">
          <dt>{t('pos.openingCashLine')}</dt>
          <dd>{money(preview.openingCashCents)}</dd>
          <dt>{t('closing.cashSales', { n: preview.cashSalesCount })}</dt>
          <dd>{money(preview.cashSalesCents)}</dd>
          <dt>{t('closing.changeGiven')}</dt>
          <dd className="muted">{money(preview.changeGivenCents)}</dd>
          <dt>{t('closing.cashRefunds')}</dt>
          <dd>{money(preview.cashRefundsCents === 0 ? 0 : -preview.cashRefundsCents)}</dd>
          <dt>{t('pos.expectedCash')}</dt>
          <dd data-testid="expected-cash">
            <strong>{money(preview.expectedCashCents)}</strong>
          </dd>
        </dl>
      </section>
      <form className="card" aria-label={t('pos.closeTitle')} onSubmit={(e) => void submit(e)}>
        <Field label={t('pos.countedCash')} error={countedError}>
          {(props) => (
            <input
              {...props}
              inputMode="decimal"
              value={counted}
              onChange={(e) => {
                setByCount(false);
                setCounted(e.target.value);
              }}
              className="short"
            />
          )}
        </Field>
        <details className="denominations">
          <summary>{t('closing.countByPiece')}</summary>
          <div className="denomination-grid">
            {EURO_DENOMINATIONS_CENTS.map((valueCents) => (
              <label key={valueCents}>
                <span>{t('closing.pieces', { value: money(valueCents) })}</span>
                <input inputMode="numeric" className="tiny" value={pieces[valueCents] ?? ''} onChange={(e) => setPiece(valueCents, e.target.value)} />
              </label>
            ))}
          </div>
        </details>
        <p
          className={`difference ${difference === null || difference === 0 ? '' : beyond ? 'difference-bad' : 'difference-small'}`}
          aria-live="polite"
          data-testid="cash-difference"
        >
          {t('pos.difference')}: <strong>{difference === null ? '—' : money(difference)}</strong>
          {beyond ? <span className="block">{t('closing.beyondThreshold', { threshold: money(preview.thresholdCents) })}</span> : null}
        </p>
        <ErrorAlert error={error} />
        <button type="submit" className="primary">
          {t('pos.close')}
        </button>
      </form>
      <CardTotalsTable cards={preview.cards} />
      <SettledByHandTable payments={preview.settledByHand} />
      {asking === null ? null : (
        <ManagerApprovalDialog
          summary={t('closing.approvalSummary', {
            difference: money(asking.countedCashCents - preview.expectedCashCents),
            threshold: money(preview.thresholdCents),
          })}
          text={t('closing.approvalText')}
          submitLabel={t('closing.approveAndClose')}
          initialReason=""
          approve={(approval, reason) => close(asking.countedCashCents, asking.count, approval, reason)}
          onClose={() => setAsking(null)}
        />
      )}
    </>
  );
}

/**
 * What stands in the way of closing, as the closing preview lists it: the session's open orders and
 * the orders that need attention (each a link to resume or pay it back), and its refund lines still
 * running or unknown (each a link to the order, where the line is followed or settled by a manager).
 */
function ClosingBlockers({ blockers }: { blockers: Blockers }) {
  const { t } = useTranslation();
  const money = useMoney();
  if (blockers.orders.length === 0 && blockers.refunds.length === 0) return null;
  const drafts = blockers.orders.filter((o) => o.state === 'draft');
  const kept = blockers.orders.filter((o) => o.state !== 'draft');
  const number = (o: { id: string; receiptNumber: number | null }) => (o.receiptNumber === null ? o.id.slice(0, 8) : `#${o.receiptNumber}`);
  return (
    <section className="card blockers" aria-labelledby="blockers-title">
      {drafts.length > 0 ? (
        <>
          <h2 id="blockers-title">{t('orders.blockersTitle', { count: drafts.length })}</h2>
          <p>{t('orders.blockersText')}</p>
          <ul aria-label={t('orders.blockersTitle', { count: drafts.length })}>
            {drafts.map((o) => (
              <li key={o.id} className={o.attention ? 'attention' : undefined}>
                <a href={`#/pos/order/${o.id}`}>{t('orders.resumeOrder', { number: number(o), total: money(o.totalCents) })}</a>{' '}
                {o.attention ? <span className="attention-note">{t('orders.attention')}</span> : null}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <h2 id="blockers-title">{t('closing.blockersTitle')}</h2>
      )}
      {blockers.refunds.length > 0 ? (
        <>
          <h3>{t('closing.refundsRunning', { count: blockers.refunds.length })}</h3>
          <ul aria-label={t('closing.refundsRunning', { count: blockers.refunds.length })}>
            {blockers.refunds.map((r) => (
              <li key={r.uuid}>
                <a href={`#/pos/order/${r.orderId}`}>
                  {t('closing.refundRunning', {
                    number: number({ id: r.orderId, receiptNumber: r.receiptNumber }),
                    method: r.methodName,
                    amount: money(r.amountCents),
                  })}
                </a>{' '}
                <span className="badge badge-busy">{t(`state.${r.state}`, { defaultValue: r.state })}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {kept.length > 0 ? (
        <>
          <h3>{t('closing.ordersKept', { count: kept.length })}</h3>
          <ul aria-label={t('closing.ordersKept', { count: kept.length })}>
            {kept.map((o) => (
              <li key={o.id} className="attention">
                <a href={`#/pos/order/${o.id}`}>{t('closing.orderKept', { number: number(o), amount: money(o.paidCents - o.refundedCents) })}</a>{' '}
                <span className="attention-note">{t('orders.attentionCancelled')}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
