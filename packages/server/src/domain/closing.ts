import { EURO_DENOMINATIONS_CENTS } from '@kassa/contract';
import { KassaError } from './errors.js';
import { assertCents } from './money.js';
import type { PaymentMethodKind } from './payment-methods.js';
import type { PaymentState } from './payment-states.js';
import { PAID_STATES } from './payment-states.js';

/** The euro notes and coins a drawer is counted in (one list, shared with the till through the contract). */
export { EURO_DENOMINATIONS_CENTS };

/**
 * A cash difference (counted − expected, either way) larger than this many cents needs a manager's
 * approval to close the session. The server option `closingThresholdCents` overrides it.
 */
export const DEFAULT_CLOSING_THRESHOLD_CENTS = 500;

/** The most pieces of one denomination a count takes. */
const MAX_PIECES = 100_000;

export interface DenominationCount {
  readonly valueCents: number;
  readonly quantity: number;
}

/**
 * The counted cash of a count by note and coin: each value must be a euro denomination, given once,
 * with a whole quantity from 0 to 100 000. Throws KASSA_VALIDATION saying which entry is wrong.
 */
export function countedFromDenominations(count: readonly DenominationCount[]): number {
  const seen = new Set<number>();
  let total = 0;
  for (const [index, entry] of count.entries()) {
    if (!(EURO_DENOMINATIONS_CENTS as readonly number[]).includes(entry.valueCents)) {
      throw new KassaError('KASSA_VALIDATION', `count[${index}].valueCents ${entry.valueCents} is not a euro note or coin.`, {
        field: `count[${index}].valueCents`,
      });
    }
    if (seen.has(entry.valueCents))
      throw new KassaError('KASSA_VALIDATION', `count[${index}]: ${entry.valueCents} cents is counted twice.`, { field: `count[${index}].valueCents` });
    if (!Number.isSafeInteger(entry.quantity) || entry.quantity < 0 || entry.quantity > MAX_PIECES) {
      throw new KassaError('KASSA_VALIDATION', `count[${index}].quantity must be a whole number from 0 to ${MAX_PIECES}.`, {
        field: `count[${index}].quantity`,
      });
    }
    seen.add(entry.valueCents);
    total += entry.valueCents * entry.quantity;
  }
  assertCents({ cents: total, field: 'count', allowZero: true });
  return total;
}

/** A payment of a session's paid orders, with what the Z report needs of it. */
export interface ClosingPayment {
  readonly uuid: string;
  readonly orderId: string;
  readonly receiptNumber: number | null;
  readonly methodId: number;
  readonly methodName: string;
  readonly kind: PaymentMethodKind;
  /** For a cash line: what stays in the drawer, already net of the change. */
  readonly amountCents: number;
  readonly state: PaymentState;
  readonly deviceId: number | null;
  readonly terminalId: string | null;
  readonly tenderedCents: number | null;
  readonly changeCents: number | null;
  readonly settledBy: string | null;
  readonly approvedBy: string | null;
  readonly settleReason: string | null;
}

/** A cash refund paid out of the drawer during the session. */
export interface CashRefund {
  readonly amountCents: number;
}

/** A card refund made on a terminal during the session. */
export interface CardRefund {
  readonly methodId: number;
  readonly methodName: string;
  readonly deviceId: number | null;
  readonly terminalId: string | null;
  readonly amountCents: number;
}

/** Sales and refunds of one card payment method on one terminal. */
export interface CardTotal {
  readonly methodId: number;
  readonly methodName: string;
  readonly deviceId: number | null;
  readonly terminalId: string | null;
  readonly salesCount: number;
  readonly salesCents: number;
  readonly refundsCount: number;
  readonly refundsCents: number;
}

/** A payment or refund line settled by hand (forced done or marked failed), for a manager's review. */
export interface SettledPayment {
  readonly uuid: string;
  /** A refund line (money given back), not a payment. */
  readonly refund: boolean;
  readonly orderId: string;
  readonly receiptNumber: number | null;
  readonly methodName: string;
  readonly amountCents: number;
  readonly state: PaymentState;
  readonly terminalId: string | null;
  readonly settledBy: string | null;
  readonly approvedBy: string | null;
  readonly reason: string | null;
}

/** What one payment method took in a session: the sum and the number of its paid lines. */
export interface MethodTotal {
  readonly methodId: number;
  readonly methodName: string;
  readonly totalCents: number;
  readonly count: number;
}

/** The figures of a closing, before or after the count. */
export interface ClosingFigures {
  readonly openingCashCents: number;
  readonly cashSalesCents: number;
  readonly cashSalesCount: number;
  /** The change handed back on cash lines: information only, the lines' amounts are already net of it. */
  readonly changeGivenCents: number;
  readonly cashRefundsCents: number;
  readonly expectedCashCents: number;
  readonly totals: readonly MethodTotal[];
  readonly cards: readonly CardTotal[];
  readonly settledByHand: readonly SettledPayment[];
}

const cardKey = (methodId: number, deviceId: number | null, terminalId: string | null): string => `${methodId}|${deviceId ?? ''}|${terminalId ?? ''}`;

/**
 * The closing figures of a session: expected cash = opening cash + cash sales (cash lines are net of
 * the change) − cash refunds; totals per payment method; card sales and refunds per method and
 * terminal; the payment and refund lines settled by hand. Only paid lines (done, forceDone) count
 * as sales or refunds. `refunds` are the refund lines of the session in any state (a paid cash
 * one came out of the drawer, a paid card one went back through its terminal); `cashRefunds` and
 * `cardRefunds` are paid refunds given as bare amounts.
 */
export function closingFigures({
  openingCashCents,
  payments,
  refunds = [],
  cashRefunds: bareCashRefunds = [],
  cardRefunds: bareCardRefunds = [],
}: {
  openingCashCents: number;
  payments: readonly ClosingPayment[];
  refunds?: readonly ClosingPayment[];
  cashRefunds?: readonly CashRefund[];
  cardRefunds?: readonly CardRefund[];
}): ClosingFigures {
  const paidRefunds = refunds.filter((r) => PAID_STATES.includes(r.state));
  const cashRefunds = [...bareCashRefunds, ...paidRefunds.filter((r) => r.kind === 'cash')];
  const cardRefunds = [...bareCardRefunds, ...paidRefunds.filter((r) => r.kind !== 'cash')];
  const totals = new Map<number, { methodId: number; methodName: string; totalCents: number; count: number }>();
  const cards = new Map<
    string,
    {
      methodId: number;
      methodName: string;
      deviceId: number | null;
      terminalId: string | null;
      salesCount: number;
      salesCents: number;
      refundsCount: number;
      refundsCents: number;
    }
  >();
  const card = (methodId: number, methodName: string, deviceId: number | null, terminalId: string | null) => {
    const key = cardKey(methodId, deviceId, terminalId);
    const entry = cards.get(key) ?? { methodId, methodName, deviceId, terminalId, salesCount: 0, salesCents: 0, refundsCount: 0, refundsCents: 0 };
    cards.set(key, entry);
    return entry;
  };
  let cashSalesCents = 0;
  let cashSalesCount = 0;
  let changeGivenCents = 0;
  const settledByHand: SettledPayment[] = [];
  const byHand = (line: ClosingPayment, refund: boolean): void => {
    if (line.state !== 'forceDone' && line.state !== 'failed') return;
    // A refund line carries its refund's approver from the start: only who settled it says it was by hand.
    if (line.settledBy === null && (refund || line.approvedBy === null)) return;
    settledByHand.push({
      uuid: line.uuid,
      refund,
      orderId: line.orderId,
      receiptNumber: line.receiptNumber,
      methodName: line.methodName,
      amountCents: line.amountCents,
      state: line.state,
      terminalId: line.terminalId,
      settledBy: line.settledBy,
      approvedBy: line.approvedBy,
      reason: line.settleReason,
    });
  };
  for (const payment of payments) {
    byHand(payment, false);
    if (!PAID_STATES.includes(payment.state)) continue;
    const total = totals.get(payment.methodId) ?? { methodId: payment.methodId, methodName: payment.methodName, totalCents: 0, count: 0 };
    total.totalCents += payment.amountCents;
    total.count += 1;
    totals.set(payment.methodId, total);
    if (payment.kind === 'cash') {
      cashSalesCents += payment.amountCents;
      cashSalesCount += 1;
      changeGivenCents += payment.changeCents ?? 0;
    } else {
      const entry = card(payment.methodId, payment.methodName, payment.deviceId, payment.terminalId);
      entry.salesCount += 1;
      entry.salesCents += payment.amountCents;
    }
  }
  for (const refund of refunds) byHand(refund, true);
  for (const refund of cardRefunds) {
    const entry = card(refund.methodId, refund.methodName, refund.deviceId, refund.terminalId);
    entry.refundsCount += 1;
    entry.refundsCents += refund.amountCents;
  }
  const cashRefundsCents = cashRefunds.reduce((sum, r) => sum + r.amountCents, 0);
  return {
    openingCashCents,
    cashSalesCents,
    cashSalesCount,
    changeGivenCents,
    cashRefundsCents,
    expectedCashCents: openingCashCents + cashSalesCents - cashRefundsCents,
    totals: [...totals.values()].sort((a, b) => a.methodId - b.methodId),
    cards: [...cards.values()].sort(
      (a, b) => a.methodId - b.methodId || (a.terminalId ?? '').localeCompare(b.terminalId ?? '') || (a.deviceId ?? 0) - (b.deviceId ?? 0),
    ),
    settledByHand,
  };
}

/** Whether a cash difference needs a manager's approval: its size is beyond the threshold. */
export function differenceNeedsApproval({ differenceCents, thresholdCents }: { differenceCents: number; thresholdCents: number }): boolean {
  return Math.abs(differenceCents) > thresholdCents;
}

/** The counted cash of a closing: the count by note and coin when given (it must then agree with `countedCashCents` if that is given too). */
export function countedCash({ countedCashCents, count }: { countedCashCents: number | undefined; count: readonly DenominationCount[] | undefined }): number {
  if (count !== undefined) {
    const fromCount = countedFromDenominations(count);
    if (countedCashCents !== undefined && countedCashCents !== fromCount) {
      throw new KassaError(
        'KASSA_VALIDATION',
        `countedCashCents ${countedCashCents} differs from the count by note and coin (${fromCount}); send one or make them agree.`,
        { field: 'countedCashCents' },
      );
    }
    return fromCount;
  }
  if (countedCashCents === undefined)
    throw new KassaError('KASSA_VALIDATION', 'Send countedCashCents or a count by note and coin.', { field: 'countedCashCents' });
  assertCents({ cents: countedCashCents, field: 'countedCashCents', allowZero: true });
  return countedCashCents;
}

/**
 * Whether a closed session may be opened again: only the last session of its POS (no later session
 * was opened on that POS, which would have started from this closing's cash). Otherwise closing is
 * final: KASSA_CONFLICT saying why.
 */
export function checkReopen({ state, laterSessions }: { state: 'open' | 'closed'; laterSessions: number }): void {
  if (state !== 'closed') throw new KassaError('KASSA_CONFLICT', 'The session is open; only a closed session can be reopened.');
  if (laterSessions > 0)
    throw new KassaError('KASSA_CONFLICT', 'A later session of this POS was opened after this one: its closing is final and cannot be reopened.', {
      laterSessions,
    });
}
