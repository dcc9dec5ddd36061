import type { ManagerApproval, Order, PaymentMethod, PutRefundBody } from '@kassa/contract';
import { useQuery } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client';
import { orders } from '../api/endpoints';
import { queries } from '../api/queries';
import { allOf } from '../api/queryState';
import { useAuth } from '../auth';
import { parseCents } from '../money';
import { ErrorAlert, Field, LoadState } from '../ui/components';
import { useMoney } from '../ui/hooks';
import { ManagerApprovalDialog } from './ManagerApprovalDialog';
import { useOfferedMethods } from './offeredMethods';
import { VOID_STATES } from './paymentStatus';
import { RefundEntry } from './RefundEntry';

/** Whether the signed-in role approves its own overrides (the server decides; this only spares a cashier the refusal). */
const APPROVES_ITSELF = new Set(['admin', 'manager']);

interface Data {
  readonly order: Order;
  readonly methods: PaymentMethod[];
}

/** How many of each line may still come back: sold minus what refunds that are not void returned. */
function returnable(order: Order): number[] {
  return order.lines.map((line, position) => {
    const back = order.refunds
      .filter((r) => !VOID_STATES.includes(r.state))
      .reduce((sum, r) => sum + r.lines.filter((l) => l.position === position).reduce((n, l) => n + l.quantity, 0), 0);
    return Math.max(0, line.quantity - back);
  });
}

/**
 * Refund of a validated order: lines (how many of each) or an amount, a reason, and how the money
 * goes back (the card through its terminal, or cash). A manager or admin refunds; a cashier gets a
 * manager's approval on the spot. A card refund is a line that follows the terminal live, like a
 * payment; each refund has its receipt.
 */
export function RefundPanel({ orderId, onChanged }: { orderId: string; onChanged: () => void }) {
  const order = useQuery(queries.orders.detail(orderId));
  const methods = useOfferedMethods(order.data?.sessionId);
  // Which terminals are offline, to mark their methods as the payment screen and the device picker do.
  const terminals = useQuery(queries.devices());
  const offlineDeviceIds = terminals.data?.filter((d) => !d.online).map((d) => d.id) ?? [];
  return (
    <LoadState query={allOf(order, methods)}>
      {([current, offered]) => (
        <RefundForm
          data={{ order: current, methods: offered }}
          offlineDeviceIds={offlineDeviceIds}
          onChanged={() => {
            void order.refetch();
            onChanged();
          }}
        />
      )}
    </LoadState>
  );
}

function RefundForm({ data, offlineDeviceIds, onChanged }: { data: Data; offlineDeviceIds: readonly number[]; onChanged: () => void }) {
  const { t } = useTranslation();
  const money = useMoney();
  const { user } = useAuth();
  const { order, methods } = data;
  const left = returnable(order);
  // A cancelled order took its lines back already: what its cancellation could not pay back goes back as an amount.
  const cancelled = order.state === 'cancelled';
  const [mode, setMode] = useState<'lines' | 'amount'>(cancelled ? 'amount' : 'lines');
  const [quantities, setQuantities] = useState<number[]>(() => order.lines.map(() => 0));
  const [amountText, setAmountText] = useState('');
  const [reason, setReason] = useState('');
  // An archived method is offered nowhere; the refunds made through it still show its name.
  const offered = methods.filter((m) => !m.archived);
  const [methodId, setMethodId] = useState<number | null>(offered[0]?.id ?? null);
  const [approving, setApproving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // One uuid per refund the cashier means: a retry after a lost answer is the same refund.
  const refundUuid = useRef(crypto.randomUUID());

  const lines = quantities.flatMap((quantity, position) => (quantity > 0 ? [{ position, quantity }] : []));
  const amountCents = parseCents(amountText);
  const ready = methodId !== null && reason.trim().length >= 3 && (mode === 'lines' ? lines.length > 0 : amountCents !== null && amountCents > 0);
  const body = (approval?: ManagerApproval, text = reason.trim()): PutRefundBody => ({
    paymentMethodId: methodId ?? 0,
    reason: text,
    ...(mode === 'lines' ? { lines } : { amountCents: amountCents ?? 0 }),
    ...(approval === undefined ? {} : { approval }),
  });
  const done = () => {
    refundUuid.current = crypto.randomUUID();
    setQuantities(order.lines.map(() => 0));
    setAmountText('');
    setReason('');
    onChanged();
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ready) return;
    setError(null);
    if (!APPROVES_ITSELF.has(user.role)) {
      setApproving(true);
      return;
    }
    setBusy(true);
    try {
      await orders.refund(order.id, refundUuid.current, body());
      done();
    } catch (caught) {
      if (isApiError(caught, 'KASSA_FORBIDDEN') && caught.details?.['needs'] === 'managerApproval') setApproving(true);
      else setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const method = methods.find((m) => m.id === methodId);

  return (
    <section className="refund no-print" aria-labelledby="refund-title">
      <h2 id="refund-title">{t('pos.refundTitle')}</h2>
      {order.refunds.length === 0 ? null : (
        <ul className="payment-lines" aria-label={t('pos.refundsDone')}>
          {order.refunds.map((r) => (
            <RefundEntry key={r.uuid} order={order} refund={r} methods={methods} onChanged={onChanged} />
          ))}
        </ul>
      )}
      <form onSubmit={(e) => void submit(e)} aria-label={t('pos.refundTitle')}>
        <fieldset>
          <legend>{t('pos.refundWhat')}</legend>
          {cancelled ? null : (
            <label>
              <input type="radio" name="refund-mode" checked={mode === 'lines'} onChange={() => setMode('lines')} /> {t('pos.refundLines')}
            </label>
          )}
          <label>
            <input type="radio" name="refund-mode" checked={mode === 'amount'} onChange={() => setMode('amount')} /> {t('pos.refundAmount')}
          </label>
        </fieldset>
        {mode === 'lines' ? (
          <table className="refund-lines">
            <caption className="visually-hidden">{t('pos.refundLines')}</caption>
            <tbody>
              {order.lines.map((line, position) => (
                <tr key={position}>
                  <td>
                    <label htmlFor={`refund-qty-${position}`}>{line.name}</label>
                  </td>
                  <td className="num">{t('pos.refundReturnable', { count: left[position] ?? 0, sold: line.quantity })}</td>
                  <td>
                    <input
                      id={`refund-qty-${position}`}
                      type="number"
                      inputMode="numeric"
                      min={0}
                      max={left[position] ?? 0}
                      value={quantities[position] ?? 0}
                      onChange={(e) => {
                        const n = Math.max(0, Math.min(left[position] ?? 0, Math.trunc(Number(e.target.value) || 0)));
                        setQuantities((q) => q.map((v, i) => (i === position ? n : v)));
                      }}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <Field label={t('pos.refundAmount')}>
            {(props) => <input {...props} inputMode="decimal" value={amountText} onChange={(e) => setAmountText(e.target.value)} />}
          </Field>
        )}
        <Field label={t('pos.refundHow')}>
          {(props) => (
            <select {...props} value={methodId ?? ''} onChange={(e) => setMethodId(Number(e.target.value))}>
              {offered.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                  {m.deviceId !== null && offlineDeviceIds.includes(m.deviceId) ? ` — ${t('pos.terminalOffline')}` : ''}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('pos.reason')}>
          {(props) => <textarea {...props} value={reason} onChange={(e) => setReason(e.target.value)} required minLength={3} maxLength={500} rows={2} />}
        </Field>
        <ErrorAlert error={error} />
        <button type="submit" className="primary" disabled={busy || !ready}>
          {t('pos.refundSubmit')}
        </button>
      </form>
      {approving ? (
        <ManagerApprovalDialog
          summary={t('pos.refundApprovalSummary', {
            method: method?.name ?? '',
            amount:
              mode === 'amount' && amountCents !== null ? money(amountCents) : t('pos.refundLinesChosen', { count: lines.reduce((n, l) => n + l.quantity, 0) }),
          })}
          text={t('pos.refundApprovalText')}
          submitLabel={t('pos.refundApprove')}
          initialReason={reason}
          approve={async (approval, text) => {
            await orders.refund(order.id, refundUuid.current, body(approval, text));
            setApproving(false);
            done();
          }}
          onClose={() => setApproving(false)}
        />
      ) : null}
    </section>
  );
}
