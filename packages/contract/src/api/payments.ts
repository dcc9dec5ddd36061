import type { Static } from 'typebox';
import { Type } from 'typebox';
import { ManagerApproval } from './auth.js';
import { DateTime, Id, PositiveCents, Uuid } from './common.js';
import { PaymentState } from './payment-states.js';

/**
 * PUT /api/payments/{uuid}. The uuid is the idempotency key: the same body again returns the same
 * payment; another body for a known uuid is a 409 KASSA_IDEMPOTENCY_MISMATCH. For a cash method,
 * `amountCents` is what the customer hands: above what is due, the line counts what is due and the
 * rest is the change (the payment's `tenderedCents` and `changeCents`). Any other line takes no
 * more than is due.
 */
export const PutPaymentBody = Type.Object({ orderId: Uuid, paymentMethodId: Id, amountCents: PositiveCents }, { additionalProperties: false });
export type PutPaymentBody = Static<typeof PutPaymentBody>;

/**
 * POST /api/payments/{uuid}/force-done and /mark-failed: an override, for a manager or an admin.
 * A cashier sends a manager's `approval` given on the spot; without one the answer is 403
 * KASSA_FORBIDDEN with `details.needs: 'managerApproval'`.
 */
export const SettleBody = Type.Object(
  { reason: Type.String({ minLength: 3, maxLength: 500 }), approval: Type.Optional(ManagerApproval) },
  { additionalProperties: false },
);
export type SettleBody = Static<typeof SettleBody>;

export const PaymentHistoryEntry = Type.Object({
  at: DateTime,
  source: Type.Union([Type.Literal('user'), Type.Literal('box'), Type.Literal('server')]),
  event: Type.String(),
  fromState: PaymentState,
  toState: PaymentState,
  message: Type.Union([Type.String(), Type.Null()]),
  userId: Type.Union([Type.Integer(), Type.Null()]),
  data: Type.Unknown(),
});
export const PaymentTicket = Type.Object({ type: Type.String(), text: Type.String(), at: DateTime });

export const Payment = Type.Object({
  uuid: Uuid,
  orderId: Uuid,
  paymentMethodId: Type.Integer(),
  amountCents: Type.Integer(),
  state: PaymentState,
  deviceId: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: DateTime,
  updatedAt: DateTime,
  settledBy: Type.Union([Type.Integer(), Type.Null()]),
  settleReason: Type.Union([Type.String(), Type.Null()]),
  tenderedCents: Type.Union([Type.Integer(), Type.Null()], { description: 'Cash lines: what the customer handed.' }),
  changeCents: Type.Union([Type.Integer(), Type.Null()], { description: 'Cash lines: the change given back (tenderedCents − amountCents).' }),
  /** The manager (or admin) who approved a settlement by hand: the settling user themself, or the manager who approved it on the spot. */
  approvedBy: Type.Union([Type.Integer(), Type.Null()]),
  kind: Type.Union([Type.Literal('payment'), Type.Literal('refund')], { description: 'A refund line gives its amount back to the customer.' }),
});
export type Payment = Static<typeof Payment>;

export const PaymentDetail = Type.Object({ payment: Payment, history: Type.Array(PaymentHistoryEntry), tickets: Type.Array(PaymentTicket) });
export type PaymentDetail = Static<typeof PaymentDetail>;

/** GET /api/payments: newest first; `text` matches the start of the payment uuid or order id, or the method name. */
export const ListPaymentsQuery = Type.Object(
  {
    state: Type.Optional(PaymentState),
    text: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    from: Type.Optional(DateTime),
    to: Type.Optional(DateTime),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);
export type ListPaymentsQuery = Static<typeof ListPaymentsQuery>;

export const PaymentList = Type.Object({
  items: Type.Array(Payment),
  total: Type.Integer({ description: 'How many payments match, over all pages.' }),
  limit: Type.Integer(),
  offset: Type.Integer(),
});
export type PaymentList = Static<typeof PaymentList>;

/**
 * GET /api/events: `lastEventId` resumes after this id (the `Last-Event-ID` header does the same
 * and wins). `posId` (managers and admins) follows one POS: the payments and orders of its sessions
 * and the devices its payment methods use; without it they follow the whole installation (its one
 * company). A cashier's stream always follows the tills of their own open sessions.
 */
export const EventsQuery = Type.Object(
  {
    lastEventId: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, examples: [42] })),
    posId: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 2147483647, description: 'Follow this POS only (managers and admins); absent: everything.', examples: [3] }),
    ),
    shop: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 80,
        description: 'Follow the tills of this shop only (managers and admins; a POS configuration’s `shop`); not with posId.',
        examples: ['Brussels – Rue Neuve'],
      }),
    ),
  },
  { additionalProperties: false },
);
export type EventsQuery = Static<typeof EventsQuery>;
