import type { Order, PaymentMethod } from '@kassa/contract';
import { useTranslation } from 'react-i18next';
import { navigate } from '../ui/router';
import { PaymentLine } from './PaymentLine';
import { PAID_STATES } from './paymentStatus';

/**
 * One refund of an order, followed live like a payment line, with its reason and, once paid back,
 * the way to its refund receipt (the slip the customer takes home, with the terminal's ticket of a
 * card refund).
 */
export function RefundEntry({
  order,
  refund,
  methods,
  onChanged,
}: {
  order: Order;
  refund: Order['refunds'][number];
  methods: readonly PaymentMethod[];
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  return (
    <li className="refund-entry">
      <ul className="payment-lines">
        <PaymentLine
          line={{
            uuid: refund.uuid,
            methodId: refund.paymentMethodId,
            amountCents: refund.amountCents,
            state: refund.state,
            tenderedCents: null,
            changeCents: null,
          }}
          method={methods.find((m) => m.id === refund.paymentMethodId)}
          order={{ ...order, dueCents: 0 }}
          onChanged={onChanged}
        />
      </ul>
      <p className="note">{t('pos.refundReasonIs', { reason: refund.reason })}</p>
      {PAID_STATES.includes(refund.state) ? (
        <button type="button" onClick={() => navigate(`/pos/refund/${order.id}/${refund.uuid}`)}>
          {t('pos.refundReceipt')}
        </button>
      ) : null}
    </li>
  );
}
