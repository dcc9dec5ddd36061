import type { Static } from 'typebox';
import { Type } from 'typebox';
import { ManagerApproval } from './auth.js';
import { DateTime, Id, PositiveCents, Uuid } from './common.js';
import { PaymentState } from './payment-states.js';

/** A payment line takes money (`payment`) or gives it back (`refund`); its amount is positive either way. */
export const PaymentKind = Type.Union([Type.Literal('payment'), Type.Literal('refund')]);
export type PaymentKind = Static<typeof PaymentKind>;

/** One order line returned: its position in the order (0 is the first) and how many units. */
export const RefundLineBody = Type.Object(
  { position: Type.Integer({ minimum: 0, maximum: 499 }), quantity: Type.Integer({ minimum: 1, maximum: 10_000 }) },
  { additionalProperties: false },
);

/**
 * PUT /api/orders/{id}/refunds/{uuid}: a refund of a validated order. The uuid is the idempotency key
 * (it becomes the refund line's uuid): the same body again returns the same refund, another body is a
 * 409 KASSA_IDEMPOTENCY_MISMATCH. Give either `lines` (what comes back, each line's part of its total)
 * or `amountCents`. A card method pays back through its terminal (a refund line that follows the
 * terminal like a payment); cash is paid back at once. A refund needs a manager: a manager or admin,
 * or a cashier with a manager's `approval` given on the spot.
 */
export const PutRefundBody = Type.Object(
  {
    paymentMethodId: Id,
    reason: Type.String({ minLength: 3, maxLength: 500 }),
    lines: Type.Optional(Type.Array(RefundLineBody, { minItems: 1, maxItems: 500 })),
    amountCents: Type.Optional(PositiveCents),
    approval: Type.Optional(ManagerApproval),
  },
  { additionalProperties: false },
);
export type PutRefundBody = Static<typeof PutRefundBody>;

export const RefundLine = Type.Object({ position: Type.Integer(), name: Type.String(), quantity: Type.Integer(), amountCents: Type.Integer() });

export const Refund = Type.Object({
  uuid: Uuid,
  orderId: Uuid,
  paymentMethodId: Type.Integer(),
  methodName: Type.String(),
  amountCents: Type.Integer({ description: 'What goes back to the customer (positive).' }),
  state: PaymentState,
  reason: Type.String(),
  lines: Type.Array(RefundLine, { description: 'The order lines returned; empty for a refund of an amount.' }),
  createdBy: Type.Integer(),
  approvedBy: Type.Integer({ description: 'The manager or admin who approved it: the user themself, or the manager who approved it on the spot.' }),
  createdAt: DateTime,
});
export type Refund = Static<typeof Refund>;

/** GET /api/orders/{id}/refunds/{uuid}/receipt: the refund receipt, ready to print. */
export const RefundReceipt = Type.Object({
  company: Type.Object({ name: Type.String(), country: Type.String() }),
  orderId: Uuid,
  receiptNumber: Type.Union([Type.Integer(), Type.Null()], {
    description: 'The receipt number of the order refunded; null for a cancelled order, which never had one (the slip names the order instead).',
  }),
  refund: Refund,
  cardholderTickets: Type.Array(Type.String(), { description: 'The terminal tickets for the cardholder, as printed text.' }),
  text: Type.String({ description: 'The refund receipt as plain text, ready to print.' }),
});
export type RefundReceipt = Static<typeof RefundReceipt>;

export const OrderRefundParams = Type.Object({ id: Uuid, uuid: Uuid });

/**
 * PUT /api/orders/{id}/cancellations/{uuid}: cancels a draft order. The uuid is the idempotency key:
 * the same request again returns the order it cancelled. An order that took money gives it back the
 * way it came, each refund a line of the order's `refunds`: a card payment through its terminal (a
 * refund line that follows the terminal like a payment), cash and lines entered by hand at once.
 * That needs a manager: a manager or admin, or a cashier with a manager's `approval` given on the
 * spot. An order that took nothing needs no approval.
 */
export const PutOrderCancellationBody = Type.Object(
  {
    reason: Type.Optional(
      Type.String({ minLength: 3, maxLength: 500, description: 'Why the order is cancelled; recorded with its refunds ("Order cancelled" when not given).' }),
    ),
    approval: Type.Optional(ManagerApproval),
  },
  { additionalProperties: false },
);
export type PutOrderCancellationBody = Static<typeof PutOrderCancellationBody>;

export const OrderCancellationParams = Type.Object({ id: Uuid, uuid: Uuid });
