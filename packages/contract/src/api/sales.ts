import type { Static } from 'typebox';
import { Type } from 'typebox';
import { Cents, DateTime, Id, Uuid } from './common.js';
import { Refund, RefundLine } from './refunds.js';

export const MethodTotal = Type.Object({ methodId: Type.Integer(), methodName: Type.String(), totalCents: Type.Integer(), count: Type.Integer() });
export const SessionClosing = Type.Object({
  openingCashCents: Type.Integer(),
  totals: Type.Array(MethodTotal),
  expectedCashCents: Type.Integer(),
  countedCashCents: Type.Integer(),
  cashDifferenceCents: Type.Integer(),
});
export const PosSession = Type.Object({
  id: Type.Integer(),
  posConfigId: Type.Integer(),
  openedBy: Type.Integer(),
  state: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  openingCashCents: Type.Integer(),
  openedAt: DateTime,
  closedAt: Type.Union([DateTime, Type.Null()]),
  closing: Type.Union([SessionClosing, Type.Null()]),
});
export type PosSession = Static<typeof PosSession>;
export const OpenSessionBody = Type.Object({ posConfigId: Id, openingCashCents: Cents }, { additionalProperties: false });
export type OpenSessionBody = Static<typeof OpenSessionBody>;
export const CloseSessionBody = Type.Object({ countedCashCents: Cents }, { additionalProperties: false });
export type CloseSessionBody = Static<typeof CloseSessionBody>;

export const OrderLineBody = Type.Object({ productId: Id, quantity: Type.Integer({ minimum: 1, maximum: 10_000 }) }, { additionalProperties: false });
/** PUT /api/orders/{id}: the client makes the uuid, so a repeated request creates one order. */
export const PutOrderBody = Type.Object({ sessionId: Id, lines: Type.Array(OrderLineBody, { minItems: 1, maxItems: 500 }) }, { additionalProperties: false });
export type PutOrderBody = Static<typeof PutOrderBody>;

export const VatGroup = Type.Object({ rate: Type.Integer(), grossCents: Type.Integer(), vatCents: Type.Integer(), netCents: Type.Integer() });
export const OrderLine = Type.Object({
  productId: Type.Integer(),
  name: Type.String(),
  quantity: Type.Integer(),
  unitPriceCents: Type.Integer(),
  vatRate: Type.Integer(),
  totalCents: Type.Integer(),
});
export const OrderPaymentLine = Type.Object({
  uuid: Uuid,
  methodId: Type.Integer(),
  amountCents: Type.Integer(),
  state: Type.String(),
  tenderedCents: Type.Union([Type.Integer(), Type.Null()], { description: 'Cash lines: what the customer handed.' }),
  changeCents: Type.Union([Type.Integer(), Type.Null()], { description: 'Cash lines: the change given back.' }),
});
export const OrderState = Type.Union([Type.Literal('draft'), Type.Literal('paid'), Type.Literal('cancelled')]);
export const Order = Type.Object({
  id: Uuid,
  sessionId: Type.Integer(),
  state: OrderState,
  totalCents: Type.Integer(),
  vatCents: Type.Integer(),
  dueCents: Type.Integer({ description: 'What is still due: total minus paid and running payment lines.' }),
  paidCents: Type.Integer({ description: 'What the done and forceDone lines count.' }),
  runningCents: Type.Integer({ description: 'What lines still running on a terminal, or waiting for a person (unknown, mismatch), may take.' }),
  vat: Type.Array(VatGroup),
  lines: Type.Array(OrderLine),
  payments: Type.Array(OrderPaymentLine, { description: 'The payment lines that took the money (refunds are apart).' }),
  refunds: Type.Array(Refund, { description: 'What was given back, newest last.' }),
  refundedCents: Type.Integer({ description: 'What the refunds gave back (done and forceDone refund lines).' }),
  createdAt: DateTime,
  validatedAt: Type.Union([DateTime, Type.Null()]),
  receiptNumber: Type.Union([Type.Integer(), Type.Null()]),
});
export type Order = Static<typeof Order>;
/**
 * Where an order stands for the people at the till: `open` (draft, not fully paid), `paidNotValidated`
 * (draft whose paid lines cover the total), `validated`, `cancelled`.
 */
export const ORDER_STATUSES = ['open', 'paidNotValidated', 'validated', 'cancelled'] as const;
export const OrderStatus = Type.Union([Type.Literal('open'), Type.Literal('paidNotValidated'), Type.Literal('validated'), Type.Literal('cancelled')]);
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const OrderSummary = Type.Object({
  id: Uuid,
  state: OrderState,
  status: OrderStatus,
  attention: Type.Boolean({ description: 'A card payment of this draft order is settled but the order was never validated: validate or refund it.' }),
  sessionId: Type.Integer(),
  posConfigId: Type.Integer(),
  posName: Type.String(),
  totalCents: Type.Integer(),
  paidCents: Type.Integer(),
  receiptNumber: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: DateTime,
  validatedAt: Type.Union([DateTime, Type.Null()]),
});
export type OrderSummary = Static<typeof OrderSummary>;

/** GET /api/orders: newest first. `text` matches the start of the order id or a receipt number. */
export const ListOrdersQuery = Type.Object(
  {
    sessionId: Type.Optional(Id),
    posConfigId: Type.Optional(Id),
    state: Type.Optional(OrderState),
    status: Type.Optional(OrderStatus),
    attention: Type.Optional(Type.Boolean()),
    text: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    amountCents: Type.Optional(Type.Integer({ minimum: 0, maximum: 99_999_999, description: 'The order total, exactly.' })),
    from: Type.Optional(DateTime),
    to: Type.Optional(DateTime),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);
export type ListOrdersQuery = Static<typeof ListOrdersQuery>;

export const OrderList = Type.Object({
  items: Type.Array(OrderSummary),
  total: Type.Integer({ description: 'How many orders match, over all pages.' }),
  limit: Type.Integer(),
  offset: Type.Integer(),
});
export type OrderList = Static<typeof OrderList>;

export const Receipt = Type.Object({
  company: Type.Object({ name: Type.String(), country: Type.String() }),
  orderId: Uuid,
  receiptNumber: Type.Integer(),
  validatedAt: DateTime,
  lines: Type.Array(OrderLine),
  totalCents: Type.Integer(),
  vat: Type.Array(VatGroup),
  payments: Type.Array(
    Type.Object({
      method: Type.String(),
      amountCents: Type.Integer(),
      state: Type.String(),
      tenderedCents: Type.Union([Type.Integer(), Type.Null()]),
      changeCents: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
  refunds: Type.Array(
    Type.Object({ uuid: Uuid, method: Type.String(), amountCents: Type.Integer(), state: Type.String(), reason: Type.String(), lines: Type.Array(RefundLine), createdAt: DateTime }),
    { description: 'The returns of this order.' },
  ),
  cardholderTickets: Type.Array(Type.String(), { description: 'The terminal tickets for the cardholder, as printed text.' }),
  text: Type.String({ description: 'The receipt as plain text, ready to print.' }),
});
export type Receipt = Static<typeof Receipt>;
