import { KassaError } from './errors.js';
import type { PaymentLineView } from './payment-states.js';
import { PAID_STATES, UNSETTLED_STATES } from './payment-states.js';

export const ORDER_STATES = ['draft', 'paid', 'cancelled'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

/**
 * An order can be validated only when no payment line is still running (never while a terminal is
 * charging, never while a person must settle what a terminal charged: mismatch), every line that
 * carries money is done or forceDone (void lines, retry and failed, carry none), and the paid total
 * equals the order total.
 */
export function checkOrderValidation({ order }: { order: { state: OrderState; totalCents: number; payments: readonly PaymentLineView[] } }): {
  paidCents: number;
} {
  if (order.state !== 'draft') throw new KassaError('KASSA_ORDER_NOT_DRAFT');
  const running = order.payments.filter((p) => UNSETTLED_STATES.includes(p.state));
  if (running.length > 0) throw new KassaError('KASSA_PAYMENT_IN_PROGRESS', undefined, { payments: running.map((p) => p.uuid) });
  const paidCents = order.payments.filter((p) => PAID_STATES.includes(p.state)).reduce((sum, p) => sum + p.amountCents, 0);
  if (paidCents !== order.totalCents) throw new KassaError('KASSA_ORDER_UNPAID', undefined, { paidCents, totalCents: order.totalCents });
  return { paidCents };
}

/**
 * A draft order can be cancelled as it is while no line is running and it took no money. An order
 * that took money is cancelled by a cancellation that refunds it (domain/cancellation.ts), with a
 * manager's approval: a settled card line is KASSA_ORDER_CARD_PAID, settled cash KASSA_ORDER_TOOK_MONEY.
 */
export function checkOrderCancel({ order }: { order: { state: OrderState; payments: readonly PaymentLineView[] } }): void {
  if (order.state !== 'draft') throw new KassaError('KASSA_ORDER_NOT_DRAFT');
  const running = order.payments.filter((p) => UNSETTLED_STATES.includes(p.state));
  if (running.length > 0) throw new KassaError('KASSA_PAYMENT_IN_PROGRESS', undefined, { payments: running.map((p) => p.uuid) });
  const cardPaid = order.payments.filter((p) => p.deviceId !== null && PAID_STATES.includes(p.state));
  if (cardPaid.length > 0) throw new KassaError('KASSA_ORDER_CARD_PAID', undefined, { payments: cardPaid.map((p) => p.uuid) });
  const paid = order.payments.filter((p) => PAID_STATES.includes(p.state));
  if (paid.length > 0) throw new KassaError('KASSA_ORDER_TOOK_MONEY', undefined, { payments: paid.map((p) => p.uuid) });
}

/**
 * Whether an order needs attention: the money it settled and what it should have disagree. A draft
 * with a settled card line (the card was charged, the order never validated) needs it until it is
 * validated or cancelled; a cancelled order needs it while its paid lines took more than its refund
 * lines gave back or are still giving back (a refund refused or failed; one still running is
 * followed on its own line, and stands in the way of closing by itself). A validated order took
 * what it should. The order search says the same in SQL (repos/order-search.ts).
 */
export function orderNeedsAttention({
  state,
  payments,
  refunds,
}: {
  state: OrderState;
  payments: readonly Pick<PaymentLineView, 'state' | 'amountCents' | 'deviceId'>[];
  refunds: readonly Pick<PaymentLineView, 'state' | 'amountCents'>[];
}): boolean {
  const sum = (lines: readonly Pick<PaymentLineView, 'state' | 'amountCents'>[], states: readonly PaymentLineView['state'][]): number =>
    lines.filter((l) => states.includes(l.state)).reduce((total, l) => total + l.amountCents, 0);
  if (state === 'draft') return payments.some((p) => p.deviceId !== null && PAID_STATES.includes(p.state));
  if (state === 'cancelled') return sum(payments, PAID_STATES) > sum(refunds, [...PAID_STATES, ...UNSETTLED_STATES]);
  return false;
}
