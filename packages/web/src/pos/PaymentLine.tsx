import type { Order, PaymentMethod } from '@kassa/contract';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { payments } from '../api/endpoints';
import { queries } from '../api/queries';
import { ErrorAlert } from '../ui/components';
import { useMoney } from '../ui/hooks';
import { CANCELLABLE_STATES, SETTLED_STATES, approvedOtherCents, paymentStatus, settlementApprover } from './paymentStatus';
import { SilentTerminalPanel } from './SilentTerminalPanel';
import { till } from './storage';
import { UnknownPanel } from './UnknownPanel';

type Line = Order['payments'][number];
/** While a payment runs and no event about it arrives for this long, the line re-reads it. */
export const QUIET_REREAD_MS = 5_000;

/**
 * One payment line, live: the terminal's progress in words, its messages, and what the cashier may
 * do now. The buttons only ask; the terminal's answer, arriving as an event, decides the state.
 */
export function PaymentLine({
  line,
  method,
  order,
  onChanged,
  superseded = false,
  attempt = 1,
}: {
  line: Line;
  method: PaymentMethod | undefined;
  order: Order;
  onChanged: () => void;
  /** A declined line retried since with the same method: kept short, one line, without actions. */
  superseded?: boolean;
  /** The try this line is, when Retry tried again in its place (1: the first). */
  attempt?: number;
}) {
  const { t } = useTranslation();
  const money = useMoney();
  // Its events update and re-read it (`liveCache.ts`); so does every gap in the stream.
  const detail = useQuery(queries.payments.detail(line.uuid));
  const reload = () => void detail.refetch();

  const state = detail.data?.payment.state ?? line.state;
  const running = !SETTLED_STATES.includes(state);
  // An event about it, or a read, restarts the wait: a running line is never quiet for long.
  useEffect(() => {
    if (!running || detail.isFetching) return undefined;
    const timer = setTimeout(reload, QUIET_REREAD_MS);
    return () => clearTimeout(timer);
  }, [running, detail.isFetching, detail.dataUpdatedAt]);
  // The line learned a new state on its own (after a gap): the order's totals follow.
  const told = useRef(line.state);
  useEffect(() => {
    const read = detail.data?.payment.state;
    if (read === undefined || read === line.state || read === told.current) return;
    told.current = read;
    onChanged();
  }, [detail.data, line.state]);
  const status = detail.data === undefined ? null : paymentStatus(detail.data);
  const cashWords =
    line.tenderedCents !== null && state === 'done'
      ? t('pos.cashReceived', { tendered: money(line.tenderedCents), change: money(line.changeCents ?? 0) })
      : null;
  const words = cashWords ?? (status === null ? t(`state.${state}`) : t(status.key));
  // The terminal's prompts ("Voer uw PIN in") belong to a payment that runs: once settled they are stale.
  const messages = running ? (status?.terminalMessages.slice(-3) ?? []) : [];
  const cancelRefused = detail.data?.history.some((h) => h.event === 'cancelRefused') ?? false;
  const approver = detail.data === undefined ? null : settlementApprover(detail.data);
  // Why the box would not start it (busy, offline…), as the box said it.
  const refusal = state === 'retry' ? (detail.data?.history.findLast((h) => h.event === 'refused')?.message ?? null) : null;

  // Done or refused (often because the payment moved on meanwhile): the line shows what it is now.
  const action = useMutation({ mutationFn: (run: () => Promise<unknown>) => run(), onSuccess: onChanged, onSettled: reload });
  const busy = action.isPending;
  const act = (run: () => Promise<unknown>) => action.mutate(run);
  // Retry tries again in this line's place: the new line is remembered as its Retry (tries.ts).
  const retry = () =>
    act(() => {
      const uuid = crypto.randomUUID();
      till.noteRetry(uuid, line.uuid);
      return payments.request(uuid, {
        orderId: order.id,
        paymentMethodId: line.methodId,
        amountCents: Math.min(line.amountCents, Math.max(order.dueCents, 1)),
      });
    });

  return (
    <li
      className={`payment-line payment-${state}${superseded ? ' superseded' : ''}`}
      data-state={state}
      aria-label={`${method?.name ?? ''} ${money(line.amountCents)}`}
    >
      <div className="payment-head">
        <span className="payment-method">{method?.name ?? line.methodId}</span>
        <span className="num">{money(line.amountCents)}</span>
      </div>
      {attempt > 1 ? <p className="note">{t('pos.attempt', { n: attempt })}</p> : null}
      <p className="payment-status" role="status" aria-live="polite">
        {words}
      </p>
      {status === null || status.hint === null || superseded ? null : <p className="note">{t(status.hint)}</p>}
      {state === 'waitingCard' && cancelRefused ? <p className="note">{t('pos.cancelRefused')}</p> : null}
      {refusal === null ? null : <p className="note">{refusal}</p>}
      {detail.data === undefined || superseded ? null : <SilentTerminalPanel detail={detail.data} onAsked={reload} />}
      {approver === null ? null : <p className="note">{t('pos.approvedBy', { user: approver })}</p>}
      {messages.length === 0 || superseded ? null : (
        <ul className="terminal-messages" aria-label={t('pos.terminalMessages')}>
          {messages.map((text, index) => (
            <li key={index}>{t('pos.terminalSays', { text })}</li>
          ))}
        </ul>
      )}
      {state === 'unknown' ? (
        <UnknownPanel
          uuid={line.uuid}
          detail={detail.data}
          onChanged={() => {
            reload();
            onChanged();
          }}
        />
      ) : null}
      {state === 'mismatch' ? (
        <UnknownPanel
          uuid={line.uuid}
          detail={detail.data}
          onChanged={() => {
            reload();
            onChanged();
          }}
          mismatch={{ approved: detail.data === undefined ? '?' : money(approvedOtherCents(detail.data) ?? 0), requested: money(line.amountCents) }}
        />
      ) : null}
      <ErrorAlert error={action.error} />
      <div className="row">
        {CANCELLABLE_STATES.includes(state) ? (
          <button type="button" className="danger" disabled={busy} onClick={() => act(() => payments.cancel(line.uuid))}>
            {busy ? t('pos.cancelling') : t('pos.cancelPayment')}
          </button>
        ) : null}
        {state === 'waitingCancel' ? (
          <button type="button" disabled>
            {t('pos.cancelling')}
          </button>
        ) : null}
        {state === 'retry' && order.dueCents > 0 && !superseded ? (
          <button type="button" className="primary" disabled={busy} onClick={retry}>
            {t('pos.retry')}
          </button>
        ) : null}
      </div>
    </li>
  );
}
