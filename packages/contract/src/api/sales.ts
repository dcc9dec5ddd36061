import type { Static } from 'typebox';
import { Type } from 'typebox';
import { ManagerApproval } from './auth.js';
import { Cents, DateTime, Id, Uuid } from './common.js';
import { PaymentState } from './payment-states.js';
import { Refund, RefundLine } from './refunds.js';

/** The euro notes and coins a drawer is counted in, largest first (500 € … 0.01 €). */
export const EURO_DENOMINATIONS_CENTS = [50_000, 20_000, 10_000, 5_000, 2_000, 1_000, 500, 200, 100, 50, 20, 10, 5, 2, 1] as const;
export type EuroDenominationCents = (typeof EURO_DENOMINATIONS_CENTS)[number];
export const DenominationCount = Type.Object(
  {
    valueCents: Type.Integer({ minimum: 1, maximum: 50_000, description: 'A euro note or coin, in cents.' }),
    quantity: Type.Integer({ minimum: 0, maximum: 100_000 }),
  },
  { additionalProperties: false },
);
export type DenominationCount = Static<typeof DenominationCount>;
export const MethodTotal = Type.Object({ methodId: Type.Integer(), methodName: Type.String(), totalCents: Type.Integer(), count: Type.Integer() });
export const SessionClosing = Type.Object({
  openingCashCents: Type.Integer(),
  totals: Type.Array(MethodTotal),
  expectedCashCents: Type.Integer(),
  countedCashCents: Type.Integer(),
  cashDifferenceCents: Type.Integer(),
});
export const CardTotal = Type.Object({
  methodId: Type.Integer(),
  methodName: Type.String(),
  deviceId: Type.Union([Type.Integer(), Type.Null()]),
  terminalId: Type.Union([Type.String(), Type.Null()]),
  salesCount: Type.Integer(),
  salesCents: Type.Integer(),
  refundsCount: Type.Integer(),
  refundsCents: Type.Integer(),
});
export type CardTotal = Static<typeof CardTotal>;
export const SettledPayment = Type.Object({
  uuid: Uuid,
  refund: Type.Boolean({ description: 'A refund line (money given back), not a payment.' }),
  orderId: Uuid,
  receiptNumber: Type.Union([Type.Integer(), Type.Null()]),
  methodName: Type.String(),
  amountCents: Type.Integer(),
  state: PaymentState,
  terminalId: Type.Union([Type.String(), Type.Null()]),
  settledBy: Type.Union([Type.String(), Type.Null()]),
  approvedBy: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
});
export type SettledPayment = Static<typeof SettledPayment>;
/** An order that stands in the way of closing: a draft, or an order that needs attention. */
export const BlockingOrder = Type.Object({
  id: Uuid,
  state: Type.Union([Type.Literal('draft'), Type.Literal('paid'), Type.Literal('cancelled')]),
  attention: Type.Boolean(),
  totalCents: Type.Integer(),
  paidCents: Type.Integer(),
  refundedCents: Type.Integer(),
  receiptNumber: Type.Union([Type.Integer(), Type.Null()]),
});
/** A refund line of the session still running on a terminal, unknown or waiting for a person. */
export const BlockingRefund = Type.Object({
  uuid: Uuid,
  orderId: Uuid,
  receiptNumber: Type.Union([Type.Integer(), Type.Null()]),
  methodName: Type.String(),
  amountCents: Type.Integer(),
  state: PaymentState,
});
export const ClosingBlockers = Type.Object({
  orders: Type.Array(BlockingOrder, { description: 'Draft orders, and orders that need attention (settled money and what it should be disagree).' }),
  refunds: Type.Array(BlockingRefund, { description: 'Refund lines running or unknown: the session closes once they are settled.' }),
});
export type ClosingBlockers = Static<typeof ClosingBlockers>;
const closingFigureProperties = {
  sessionId: Type.Integer(),
  openingCashCents: Type.Integer(),
  cashSalesCents: Type.Integer({ description: 'Cash lines, already net of the change.' }),
  cashSalesCount: Type.Integer(),
  changeGivenCents: Type.Integer({ description: 'The change handed back: information only.' }),
  cashRefundsCents: Type.Integer(),
  expectedCashCents: Type.Integer({ description: 'openingCashCents + cashSalesCents − cashRefundsCents.' }),
  thresholdCents: Type.Integer({ description: 'A difference beyond this many cents needs a manager.' }),
  totals: Type.Array(MethodTotal),
  cards: Type.Array(CardTotal),
  settledByHand: Type.Array(SettledPayment, { description: 'Payment and refund lines forced done or marked failed by a person.' }),
};
/** The figures of a session before it is counted, and what stands in the way of closing it: what the closing form shows. */
export const ClosingPreview = Type.Object({
  ...closingFigureProperties,
  blockers: ClosingBlockers,
});
export type ClosingPreview = Static<typeof ClosingPreview>;
/** The Z report of a closed session. */
export const ZReport = Type.Object({
  ...closingFigureProperties,
  posConfigId: Type.Integer(),
  posName: Type.String(),
  openedBy: Type.Union([Type.String(), Type.Null()]),
  closedBy: Type.Union([Type.String(), Type.Null()]),
  openedAt: DateTime,
  closedAt: DateTime,
  countedCashCents: Type.Integer(),
  cashDifferenceCents: Type.Integer({ description: 'countedCashCents − expectedCashCents.' }),
  count: Type.Union([Type.Array(DenominationCount), Type.Null()]),
  differenceApprovedBy: Type.Union([Type.String(), Type.Null()]),
  differenceReason: Type.Union([Type.String(), Type.Null()]),
});
export type ZReport = Static<typeof ZReport>;
export const ReopenSessionBody = Type.Object({ approval: Type.Optional(ManagerApproval) }, { additionalProperties: false });
export type ReopenSessionBody = Static<typeof ReopenSessionBody>;
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
export const CloseSessionBody = Type.Object(
  {
    countedCashCents: Type.Optional(Cents),
    count: Type.Optional(Type.Array(DenominationCount, { maxItems: 15, description: 'A count by note and coin: its sum is the counted cash.' })),
    approval: Type.Optional(ManagerApproval),
    reason: Type.Optional(Type.String({ minLength: 3, maxLength: 500, description: 'Why the cash differs, kept with an approved difference.' })),
  },
  {
    additionalProperties: false,
    description: 'Send countedCashCents, a count by note and coin, or both when they agree. A difference beyond the threshold needs a manager (approval).',
  },
);
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
  state: PaymentState,
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
  attention: Type.Boolean({
    description:
      'Settled money and what it should be disagree: a draft with a settled card payment never validated, or a cancelled order that kept more than its refunds gave back or are giving back (a refund refused or failed).',
  }),
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
  attention: Type.Boolean({
    description:
      'Settled money and what it should be disagree: a card payment of this draft order is settled but the order was never validated, or the order was cancelled and kept more than its refunds gave back or are giving back (a refund refused or failed).',
  }),
  sessionId: Type.Integer(),
  posConfigId: Type.Integer(),
  posName: Type.String(),
  totalCents: Type.Integer(),
  paidCents: Type.Integer({ description: 'What the done and forceDone payment lines took.' }),
  refundedCents: Type.Integer({ description: 'What the done and forceDone refund lines gave back (returns and cancellations).' }),
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
      state: PaymentState,
      tenderedCents: Type.Union([Type.Integer(), Type.Null()]),
      changeCents: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
  refunds: Type.Array(
    Type.Object({
      uuid: Uuid,
      method: Type.String(),
      amountCents: Type.Integer(),
      state: PaymentState,
      reason: Type.String(),
      lines: Type.Array(RefundLine),
      createdAt: DateTime,
    }),
    { description: 'The returns of this order.' },
  ),
  cardholderTickets: Type.Array(Type.String(), { description: 'The terminal tickets for the cardholder, as printed text.' }),
  text: Type.String({ description: 'The receipt as plain text, ready to print.' }),
});
export type Receipt = Static<typeof Receipt>;
