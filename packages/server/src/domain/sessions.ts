import { KassaError } from './errors.js';
import { assertCents } from './money.js';
import type { PaymentMethodKind } from './payment-methods.js';
import type { PaymentState } from './payment-states.js';
import { PAID_STATES } from './payment-states.js';

export interface SessionPayment {
  readonly methodId: number;
  readonly methodName: string;
  readonly kind: PaymentMethodKind;
  readonly amountCents: number;
  readonly state: PaymentState;
}

export interface MethodTotal {
  readonly methodId: number;
  readonly methodName: string;
  readonly totalCents: number;
  readonly count: number;
}

export interface SessionClosing {
  readonly openingCashCents: number;
  readonly totals: readonly MethodTotal[];
  readonly expectedCashCents: number;
  readonly countedCashCents: number;
  readonly cashDifferenceCents: number;
}

export function checkSessionOpen({ openSessions, openingCashCents }: { openSessions: number; openingCashCents: number }): void {
  if (openSessions > 0) throw new KassaError('KASSA_SESSION_ALREADY_OPEN');
  assertCents({ cents: openingCashCents, field: 'openingCashCents', allowZero: true });
}

/**
 * Closing totals: the paid amount per payment method (done and forceDone lines only), and the cash
 * that should be in the drawer: the opening count plus every paid cash line.
 */
export function closeSession({
  state,
  openingCashCents,
  countedCashCents,
  draftOrders,
  payments,
}: {
  state: 'open' | 'closed';
  openingCashCents: number;
  countedCashCents: number;
  /** Ids of the session's draft orders: each must be validated or cancelled first. */
  draftOrders: readonly string[];
  payments: readonly SessionPayment[];
}): SessionClosing {
  if (state !== 'open') throw new KassaError('KASSA_SESSION_CLOSED');
  if (draftOrders.length > 0) {
    const count = draftOrders.length;
    throw new KassaError('KASSA_SESSION_ORDERS_OPEN', `Validate or cancel the ${count} open order${count === 1 ? '' : 's'} of this session first.`, { draftOrders: count, orders: draftOrders });
  }
  assertCents({ cents: countedCashCents, field: 'countedCashCents', allowZero: true });
  const byMethod = new Map<number, { methodId: number; methodName: string; totalCents: number; count: number }>();
  let cashCents = 0;
  for (const payment of payments) {
    if (!PAID_STATES.includes(payment.state)) continue;
    const entry = byMethod.get(payment.methodId) ?? { methodId: payment.methodId, methodName: payment.methodName, totalCents: 0, count: 0 };
    entry.totalCents += payment.amountCents;
    entry.count += 1;
    byMethod.set(payment.methodId, entry);
    if (payment.kind === 'cash') cashCents += payment.amountCents;
  }
  const expectedCashCents = openingCashCents + cashCents;
  return {
    openingCashCents,
    totals: [...byMethod.values()].sort((a, b) => a.methodId - b.methodId),
    expectedCashCents,
    countedCashCents,
    cashDifferenceCents: countedCashCents - expectedCashCents,
  };
}
