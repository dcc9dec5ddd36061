import type { Static } from 'typebox';
import { Type } from 'typebox';
import { Cents, DateTime, Id, Uuid } from './common.js';

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
  runningCents: Type.Integer({ description: 'What lines still running on a terminal (or unknown) may take.' }),
  vat: Type.Array(VatGroup),
  lines: Type.Array(OrderLine),
  payments: Type.Array(OrderPaymentLine),
  createdAt: DateTime,
  validatedAt: Type.Union([DateTime, Type.Null()]),
  receiptNumber: Type.Union([Type.Integer(), Type.Null()]),
});
export type Order = Static<typeof Order>;
export const OrderSummary = Type.Object({ id: Uuid, state: OrderState, totalCents: Type.Integer(), createdAt: DateTime });
export const ListOrdersQuery = Type.Object({ sessionId: Type.Optional(Id), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) });
export type ListOrdersQuery = Static<typeof ListOrdersQuery>;

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
  cardholderTickets: Type.Array(Type.String(), { description: 'The terminal tickets for the cardholder, as printed text.' }),
  text: Type.String({ description: 'The receipt as plain text, ready to print.' }),
});
export type Receipt = Static<typeof Receipt>;
