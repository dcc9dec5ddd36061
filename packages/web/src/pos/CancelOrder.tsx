import type { ManagerApproval, Order, PaymentMethod } from '@kassa/contract';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client';
import { orders } from '../api/endpoints';
import { useAuth } from '../auth';
import { ErrorAlert } from '../ui/components';
import { useMoney } from '../ui/hooks';
import { navigate } from '../ui/router';
import { ManagerApprovalDialog } from './ManagerApprovalDialog';
import { RefundEntry } from './RefundEntry';
import { RefundPanel } from './RefundPanel';
import { SETTLED_STATES } from './paymentStatus';
import { till } from './storage';

/** Whether the signed-in role approves its own overrides (the server decides; this only spares a cashier the refusal). */
const APPROVES_ITSELF = new Set(['admin', 'manager']);

/**
 * Cancelling a draft order whose lines are all settled. An order that took money asks first (what
 * goes back), then a manager's approval when a cashier cancels; its payments are paid back as
 * refunds (cards through their terminal, cash from the drawer), which the cancelled order then shows
 * running and done. One uuid per cancellation the cashier means: a retry after a lost answer is the
 * same cancellation.
 */
export function CancelOrder({ order, onCancelled }: { order: Order; onCancelled: () => void }) {
  const { t } = useTranslation();
  const money = useMoney();
  const { user } = useAuth();
  const cancellation = useRef(crypto.randomUUID());
  const [confirming, setConfirming] = useState(false);
  const [approving, setApproving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const tookMoney = order.paidCents > 0;

  const send = async (approval?: ManagerApproval, reason?: string) => {
    await orders.cancelWithRefunds(order.id, cancellation.current, {
      ...(reason === undefined || reason === '' ? {} : { reason }),
      ...(approval === undefined ? {} : { approval }),
    });
    onCancelled();
  };
  const cancel = async () => {
    setError(null);
    if (tookMoney && !APPROVES_ITSELF.has(user.role)) {
      setApproving(true);
      return;
    }
    setBusy(true);
    try {
      await send();
    } catch (caught) {
      if (isApiError(caught, 'KASSA_FORBIDDEN') && caught.details?.['needs'] === 'managerApproval') setApproving(true);
      else setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="cancel-order">
      {confirming ? (
        <div role="group" aria-label={t('pos.cancelOrder')}>
          <p>{tookMoney ? t('pos.cancelOrderRefunds', { amount: money(order.paidCents) }) : t('pos.cancelOrderNothing')}</p>
          <div className="row">
            <button type="button" className="danger" disabled={busy} onClick={() => void cancel()}>
              {tookMoney ? t('pos.cancelOrderAndRefund') : t('pos.cancelOrder')}
            </button>
            <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
              {t('pos.keepOrder')}
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          {t('pos.cancelOrder')}
        </button>
      )}
      <ErrorAlert error={error} />
      {approving ? (
        <ManagerApprovalDialog
          summary={t('pos.cancelOrderRefunds', { amount: money(order.paidCents) })}
          text={t('pos.cancelOrderApprovalText')}
          submitLabel={t('pos.cancelOrderAndRefund')}
          initialReason={t('pos.cancelOrderReason')}
          approve={async (approval, reason) => {
            await send(approval, reason);
            setApproving(false);
          }}
          onClose={() => setApproving(false)}
        />
      ) : null}
    </div>
  );
}

/** A cancelled order: the refunds its cancellation made, live, and the way to the next order. */
export function CancelledOrder({ order, methods, onChanged }: { order: Order; methods: readonly PaymentMethod[]; onChanged: () => void }) {
  const { t } = useTranslation();
  const money = useMoney();
  const running = order.refunds.some((r) => !SETTLED_STATES.includes(r.state));
  const paidBack = order.refundedCents >= order.paidCents;
  const next = () => {
    till.setRunningOrder(null);
    navigate('/pos');
  };
  return (
    <section className="card" aria-labelledby="cancelled-title">
      <h2 id="cancelled-title">{t('pos.orderCancelled')}</h2>
      {order.refunds.length === 0 ? null : (
        <>
          <p role="status" aria-live="polite">
            {running
              ? t('pos.cancelRefundsRunning')
              : paidBack
                ? t('pos.cancelRefundsDone', { amount: money(order.refundedCents) })
                : t('pos.cancelRefundsShort', { amount: money(order.paidCents - order.refundedCents) })}
          </p>
          <ul className="payment-lines" aria-label={t('pos.refundsDone')}>
            {order.refunds.map((r) => (
              <RefundEntry key={r.uuid} order={order} refund={r} methods={methods} onChanged={onChanged} />
            ))}
          </ul>
        </>
      )}
      {!running && !paidBack ? <RefundPanel orderId={order.id} onChanged={onChanged} /> : null}
      <button type="button" className={running ? 'big' : 'primary big'} onClick={next}>
        {t('pos.newOrder')}
      </button>
    </section>
  );
}
