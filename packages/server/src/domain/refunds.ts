import type { Device } from './devices.js';
import { checkDeviceTrusted } from './device-approval.js';
import { KassaError } from './errors.js';
import { assertCents } from './money.js';
import type { OrderState } from './orders.js';
import type { PaymentMethodKind, Terminal } from './payment-methods.js';
import type { PaymentLineView } from './payment-states.js';
import { PAID_STATES, UNSETTLED_STATES } from './payment-states.js';

/** A line of an order as a refund sees it: its position, how many were sold and what they cost. */
export interface RefundableLine {
  readonly position: number;
  readonly quantity: number;
  readonly totalCents: number;
}

/** A payment line of the order, payment or refund, with what it was paid through. */
export interface RefundPaymentView extends PaymentLineView {
  readonly kind: 'payment' | 'refund';
  readonly methodId: number;
}

/** What one refund gives back of an order line. */
export interface ReturnedLine {
  readonly position: number;
  readonly quantity: number;
  readonly amountCents: number;
}

export interface RefundCheck {
  readonly order: { readonly state: OrderState; readonly lines: readonly RefundableLine[]; readonly payments: readonly RefundPaymentView[] };
  /** The lines returned by the order's earlier refunds that are not void (paid, or still running). */
  readonly returned: readonly { readonly position: number; readonly quantity: number }[];
  readonly method: { readonly id: number; readonly kind: PaymentMethodKind; readonly terminal: Terminal; readonly device: Device | null };
  readonly posMethodIds: readonly number[];
  /**
   * Whether a session of the order's POS is open now: a refund is paid from that session's drawer
   * or terminals and counted in its closing, so none is made while the POS has no open session.
   */
  readonly sessionOpen: boolean;
  /** Lines running on the method's device, whatever their order. */
  readonly deviceActivePayments: number;
  /** Either lines (position and quantity returned) or an amount. */
  readonly request: { readonly lines?: readonly { readonly position: number; readonly quantity: number }[]; readonly amountCents?: number };
}

const counts = (p: { state: PaymentLineView['state'] }): boolean => PAID_STATES.includes(p.state) || UNSETTLED_STATES.includes(p.state);

/**
 * What returning `quantity` more of a line gives back when `before` were returned already: the line
 * total shared over its units, rounded down cumulatively, so the parts of a line add up to exactly
 * its total however it is returned (three returns of one unit of a €2.00 line of three: 0.66, 0.67, 0.67).
 */
export function lineRefundCents(line: RefundableLine, before: number, quantity: number): number {
  const upTo = (n: number): number => Math.floor((line.totalCents * n) / line.quantity);
  return upTo(before + quantity) - upTo(before);
}

/** Money an order's lines took (paid payment lines) and gave back or may be giving back (refund lines paid or running). */
export function refundFigures(
  payments: readonly RefundPaymentView[],
  keep: (p: RefundPaymentView) => boolean = () => true,
): { paidCents: number; refundedCents: number; refundableCents: number } {
  let paidCents = 0;
  let refundedCents = 0;
  for (const p of payments) {
    if (!keep(p)) continue;
    if (p.kind === 'payment' && PAID_STATES.includes(p.state)) paidCents += p.amountCents;
    if (p.kind === 'refund' && counts(p)) refundedCents += p.amountCents;
  }
  return { paidCents, refundedCents, refundableCents: Math.max(0, paidCents - refundedCents) };
}

/**
 * Whether a refund may be made, and what it gives back. The order is validated (or cancelled, for an
 * amount: a refund of its cancellation that failed, made again); the method belongs
 * to its POS; lines are returned at most as many times as they were sold (earlier refunds counted),
 * or an amount is given; a session of the order's POS is open (the refund is paid from it and
 * belongs to it: KASSA_REFUND_NO_SESSION otherwise). All refunds together never exceed what the order's payments took; a card
 * refund never exceeds what the order's card payments took on that terminal (a method without a
 * terminal: on that method), less what went back through it already. A terminal must be online,
 * trusted and idle.
 */
export function checkRefund(check: RefundCheck): { amountCents: number; lines: ReturnedLine[] } {
  const { order, method, request } = check;
  // A cancelled order is refunded by its cancellation; a refund of it that failed is made again as an amount.
  const cancelledAgain = order.state === 'cancelled' && request.lines === undefined;
  if (order.state !== 'paid' && !cancelledAgain) throw new KassaError('KASSA_ORDER_NOT_VALIDATED');
  if (!check.sessionOpen) throw new KassaError('KASSA_REFUND_NO_SESSION');
  if (!check.posMethodIds.includes(method.id)) throw new KassaError('KASSA_METHOD_NOT_IN_POS', undefined, { paymentMethodId: method.id });
  const { lines, amountCents } = refundAmount(order.lines, check.returned, request);
  const total = refundFigures(order.payments);
  if (amountCents > total.refundableCents)
    throw new KassaError('KASSA_REFUND_EXCEEDS_PAID', undefined, { amountCents, refundableCents: total.refundableCents });
  if (method.kind === 'cash') return { amountCents, lines };
  const sameWay =
    method.terminal === 'none' || method.device === null
      ? refundFigures(order.payments, (p) => p.methodId === method.id)
      : refundFigures(order.payments, (p) => p.deviceId === method.device!.id);
  if (amountCents > sameWay.refundableCents)
    throw new KassaError('KASSA_REFUND_EXCEEDS_TERMINAL', undefined, { amountCents, refundableCents: sameWay.refundableCents, paymentMethodId: method.id });
  if (method.terminal === 'none') return { amountCents, lines };
  if (method.device === null || method.device.removed) throw new KassaError('KASSA_DEVICE_GONE', undefined, { paymentMethodId: method.id });
  checkDeviceTrusted(method.device);
  if (!method.device.online) throw new KassaError('KASSA_DEVICE_OFFLINE', undefined, { deviceId: method.device.id });
  if (check.deviceActivePayments > 0) throw new KassaError('KASSA_TERMINAL_BUSY', undefined, { deviceId: method.device.id });
  return { amountCents, lines };
}

function refundAmount(
  orderLines: readonly RefundableLine[],
  returned: RefundCheck['returned'],
  request: RefundCheck['request'],
): { lines: ReturnedLine[]; amountCents: number } {
  const hasLines = request.lines !== undefined && request.lines.length > 0;
  if (hasLines === (request.amountCents !== undefined))
    throw new KassaError('KASSA_VALIDATION', 'Give either the lines returned or an amount.', { field: 'lines' });
  if (!hasLines) {
    assertCents({ cents: request.amountCents!, field: 'amountCents' });
    return { lines: [], amountCents: request.amountCents! };
  }
  const lines: ReturnedLine[] = [];
  const seen = new Set<number>();
  for (const { position, quantity } of request.lines!) {
    const line = orderLines.find((l) => l.position === position);
    if (line === undefined) throw new KassaError('KASSA_VALIDATION', `The order has no line ${position}.`, { field: 'lines', position });
    if (seen.has(position)) throw new KassaError('KASSA_VALIDATION', `Line ${position} is named twice.`, { field: 'lines', position });
    seen.add(position);
    const before = returned.filter((r) => r.position === position).reduce((sum, r) => sum + r.quantity, 0);
    if (!Number.isSafeInteger(quantity) || quantity < 1 || before + quantity > line.quantity) {
      throw new KassaError('KASSA_REFUND_QUANTITY', undefined, { position, quantity, returnable: line.quantity - before });
    }
    lines.push({ position, quantity, amountCents: lineRefundCents(line, before, quantity) });
  }
  const amountCents = lines.reduce((sum, l) => sum + l.amountCents, 0);
  if (amountCents <= 0) throw new KassaError('KASSA_AMOUNT', undefined, { field: 'lines' });
  return { lines, amountCents };
}
