import { KassaError } from './errors.js';
import { assertCents } from './money.js';
import type { CardRefund, CashRefund, ClosingFigures, ClosingPayment, DenominationCount } from './closing.js';
import { closingFigures, DEFAULT_CLOSING_THRESHOLD_CENTS, differenceNeedsApproval } from './closing.js';
import { UNSETTLED_STATES } from './payment-states.js';

/** What a closed session keeps: the closing figures, the count and who approved a difference (its Z report's body). */
export interface SessionClosing extends ClosingFigures {
  readonly countedCashCents: number;
  readonly cashDifferenceCents: number;
  /** The count by note and coin, when the cash was counted that way. */
  readonly count: readonly DenominationCount[] | null;
  readonly thresholdCents: number;
  readonly closedBy: string | null;
  /** The manager or admin who accepted a difference beyond the threshold; null when none was needed. */
  readonly differenceApprovedBy: string | null;
  /** Why the cash differs, as given with the approval; null when no approval was needed. */
  readonly differenceReason: string | null;
}

export function checkSessionOpen({ openSessions, openingCashCents }: { openSessions: number; openingCashCents: number }): void {
  if (openSessions > 0) throw new KassaError('KASSA_SESSION_ALREADY_OPEN');
  assertCents({ cents: openingCashCents, field: 'openingCashCents', allowZero: true });
}

/**
 * What stands in the way of closing a session, in the order a cashier deals with it: its draft
 * orders (KASSA_SESSION_ORDERS_OPEN), its refund lines still running, unknown or waiting for a
 * person (KASSA_SESSION_REFUNDS_RUNNING: the drawer or the terminal may still pay them back), and
 * its orders that need attention, whose settled money and what it should be disagree
 * (KASSA_SESSION_ATTENTION). Each error lists what to act on.
 */
export function checkClosingBlockers({
  draftOrders,
  refunds,
  attentionOrders,
}: {
  draftOrders: readonly string[];
  refunds: readonly Pick<ClosingPayment, 'uuid' | 'orderId' | 'state'>[];
  attentionOrders: readonly string[];
}): void {
  if (draftOrders.length > 0) {
    const n = draftOrders.length;
    throw new KassaError('KASSA_SESSION_ORDERS_OPEN', `Validate or cancel the ${n} open order${n === 1 ? '' : 's'} of this session first.`, {
      draftOrders: n,
      orders: draftOrders,
    });
  }
  const running = refunds.filter((r) => UNSETTLED_STATES.includes(r.state));
  if (running.length > 0) {
    const n = running.length;
    throw new KassaError(
      'KASSA_SESSION_REFUNDS_RUNNING',
      `${n} refund${n === 1 ? ' is' : 's are'} still running or unknown: settle ${n === 1 ? 'it' : 'them'} first.`,
      {
        refunds: running.map((r) => r.uuid),
        orders: [...new Set(running.map((r) => r.orderId))],
      },
    );
  }
  if (attentionOrders.length > 0) {
    const n = attentionOrders.length;
    throw new KassaError(
      'KASSA_SESSION_ATTENTION',
      `${n} order${n === 1 ? '' : 's'} of this session kept money ${n === 1 ? 'it' : 'they'} should have given back.`,
      {
        orders: attentionOrders,
      },
    );
  }
}

/**
 * Closes a session: nothing may stand in the way (checkClosingBlockers), the figures come from closingFigures, and a cash
 * difference beyond `thresholdCents` needs `approvedBy` (a verified manager or admin), else
 * KASSA_FORBIDDEN with `details.needs: 'managerApproval'`.
 */
export function closeSession({
  state,
  openingCashCents,
  countedCashCents,
  count = null,
  draftOrders,
  attentionOrders = [],
  payments,
  refunds = [],
  cashRefunds = [],
  cardRefunds = [],
  thresholdCents = DEFAULT_CLOSING_THRESHOLD_CENTS,
  closedBy = null,
  approvedBy = null,
  reason = null,
}: {
  state: 'open' | 'closed';
  openingCashCents: number;
  countedCashCents: number;
  count?: readonly DenominationCount[] | null;
  /** Ids of the session's draft orders: each must be validated or cancelled first. */
  draftOrders: readonly string[];
  /** Ids of the session's other orders that need attention (orderNeedsAttention). */
  attentionOrders?: readonly string[];
  payments: readonly ClosingPayment[];
  /** The refund lines made during the session, in any state. */
  refunds?: readonly ClosingPayment[];
  cashRefunds?: readonly CashRefund[];
  cardRefunds?: readonly CardRefund[];
  thresholdCents?: number;
  closedBy?: string | null;
  approvedBy?: string | null;
  reason?: string | null;
}): SessionClosing {
  if (state !== 'open') throw new KassaError('KASSA_SESSION_CLOSED');
  checkClosingBlockers({ draftOrders, refunds, attentionOrders });
  assertCents({ cents: countedCashCents, field: 'countedCashCents', allowZero: true });
  const figures = closingFigures({ openingCashCents, payments, refunds, cashRefunds, cardRefunds });
  const cashDifferenceCents = countedCashCents - figures.expectedCashCents;
  const needsApproval = differenceNeedsApproval({ differenceCents: cashDifferenceCents, thresholdCents });
  if (needsApproval && approvedBy === null) {
    throw new KassaError(
      'KASSA_FORBIDDEN',
      `The cash difference of ${cashDifferenceCents} cents is beyond ${thresholdCents} cents: a manager must approve it.`,
      {
        needs: 'managerApproval',
        cashDifferenceCents,
        thresholdCents,
      },
    );
  }
  return {
    ...figures,
    countedCashCents,
    cashDifferenceCents,
    count,
    thresholdCents,
    closedBy,
    differenceApprovedBy: needsApproval ? approvedBy : null,
    differenceReason: needsApproval ? reason : null,
  };
}
