import { KassaError } from './errors.js';
import { assertCents } from './money.js';
import type { CardRefund, CashRefund, ClosingFigures, ClosingPayment, DenominationCount } from './closing.js';
import { closingFigures, DEFAULT_CLOSING_THRESHOLD_CENTS, differenceNeedsApproval } from './closing.js';

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
 * Closes a session: no draft order may remain, the figures come from closingFigures, and a cash
 * difference beyond `thresholdCents` needs `approvedBy` (a verified manager or admin), else
 * KASSA_FORBIDDEN with `details.needs: 'managerApproval'`.
 */
export function closeSession({
  state,
  openingCashCents,
  countedCashCents,
  count = null,
  draftOrders,
  payments,
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
  payments: readonly ClosingPayment[];
  cashRefunds?: readonly CashRefund[];
  cardRefunds?: readonly CardRefund[];
  thresholdCents?: number;
  closedBy?: string | null;
  approvedBy?: string | null;
  reason?: string | null;
}): SessionClosing {
  if (state !== 'open') throw new KassaError('KASSA_SESSION_CLOSED');
  if (draftOrders.length > 0) {
    const n = draftOrders.length;
    throw new KassaError('KASSA_SESSION_ORDERS_OPEN', `Validate or cancel the ${n} open order${n === 1 ? '' : 's'} of this session first.`, {
      draftOrders: n,
      orders: draftOrders,
    });
  }
  assertCents({ cents: countedCashCents, field: 'countedCashCents', allowZero: true });
  const figures = closingFigures({ openingCashCents, payments, cashRefunds, cardRefunds });
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
