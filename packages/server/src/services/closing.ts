import type { ClosingBlockers, ClosingPreview, CloseSessionBody, PosSession as PosSessionApi, ZReport } from '@kassa/contract';
import { checkReopen, closingFigures, countedCash, DEFAULT_CLOSING_THRESHOLD_CENTS, differenceNeedsApproval } from '../domain/closing.js';
import type { ClosingFigures, ClosingPayment } from '../domain/closing.js';
import { KassaError, notFound } from '../domain/errors.js';
import type { Actor } from '../domain/roles.js';
import type { SessionClosing } from '../domain/sessions.js';
import { checkClosingBlockers, closeSession } from '../domain/sessions.js';
import { UNSETTLED_STATES } from '../domain/payment-states.js';
import type { Executor } from '../repos/executor.js';
import { searchOrders } from '../repos/order-search.js';
import { getPosConfig } from '../repos/pos-configs.js';
import type { PosSession } from '../repos/pos-sessions.js';
import {
  closePosSession,
  countLaterSessions,
  draftOrderIds,
  lockPosSession,
  reopenPosSession,
  sessionPayments,
  sessionRefundLines,
} from '../repos/pos-sessions.js';
import { getUser } from '../repos/users.js';
import { authorizeOverride } from './approvals.js';
import type { ServiceContext } from './context.js';
import { iso } from './context.js';
import { requireSession, sessionView } from './sales.js';

const thresholdOf = (ctx: ServiceContext): number => ctx.closingThresholdCents ?? DEFAULT_CLOSING_THRESHOLD_CENTS;

/** The session's refund lines, in any state, as the closing counts them. */
async function sessionRefunds(db: Executor, sessionId: number): Promise<{ refunds: ClosingPayment[] }> {
  return { refunds: await sessionRefundLines(db, sessionId) };
}

/** The session's orders that are not drafts and need attention (domain/orders.ts orderNeedsAttention, in the order search). */
async function attentionOrderIds(db: Executor, sessionId: number): Promise<string[]> {
  const { items } = await searchOrders(db, { sessionId, state: 'cancelled', attention: true, limit: 500, offset: 0 });
  return items.map((o) => o.id);
}

/** What stands in the way of closing, for the closing form: each draft or attention order and each unsettled refund line. */
async function closingBlockers(db: Executor, sessionId: number, refunds: readonly ClosingPayment[]): Promise<ClosingBlockers> {
  const drafts = await searchOrders(db, { sessionId, state: 'draft', limit: 500, offset: 0 });
  const attention = await searchOrders(db, { sessionId, state: 'cancelled', attention: true, limit: 500, offset: 0 });
  return {
    orders: [...drafts.items, ...attention.items].map((o) => ({
      id: o.id,
      state: o.state,
      attention: o.attention,
      totalCents: o.totalCents,
      paidCents: o.paidCents,
      refundedCents: o.refundedCents,
      receiptNumber: o.receiptNumber,
    })),
    refunds: refunds
      .filter((r) => UNSETTLED_STATES.includes(r.state))
      .map((r) => ({ uuid: r.uuid, orderId: r.orderId, receiptNumber: r.receiptNumber, methodName: r.methodName, amountCents: r.amountCents, state: r.state })),
  };
}

/** The figures of an open session before its cash is counted: what the closing form shows. */
export async function closingPreview(ctx: ServiceContext, id: number): Promise<ClosingPreview> {
  const session = await requireSession(ctx.db, id);
  if (session.state !== 'open') throw new KassaError('KASSA_SESSION_CLOSED');
  const { refunds } = await sessionRefunds(ctx.db, id);
  const figures = closingFigures({ openingCashCents: session.openingCashCents, payments: await sessionPayments(ctx.db, id), refunds });
  return {
    sessionId: id,
    ...figures,
    thresholdCents: thresholdOf(ctx),
    totals: [...figures.totals],
    cards: [...figures.cards],
    settledByHand: [...figures.settledByHand],
    blockers: await closingBlockers(ctx.db, id, refunds),
  };
}

/**
 * Closes a session with the counted cash (typed, or counted by note and coin). A difference beyond
 * the threshold needs a manager: the actor when a manager or admin, else the approval given on the
 * spot (checked before the write, outside the session's lock); the write recomputes the figures
 * under the lock and refuses if they now need an approval that was not given.
 */
export async function closeOpenSession(ctx: ServiceContext, actor: Actor, id: number, body: CloseSessionBody): Promise<PosSessionApi> {
  const countedCashCents = countedCash({ countedCashCents: body.countedCashCents, count: body.count });
  const thresholdCents = thresholdOf(ctx);
  const preview = await requireSession(ctx.db, id);
  let approvedBy: string | null = null;
  // The approval is asked for last: a closed session or what stands in the way is said first, changing nothing.
  if (preview.state === 'open') {
    const { refunds } = await sessionRefunds(ctx.db, id);
    checkClosingBlockers({ draftOrders: await draftOrderIds(ctx.db, id), refunds, attentionOrders: await attentionOrderIds(ctx.db, id) });
    const figures = closingFigures({ openingCashCents: preview.openingCashCents, payments: await sessionPayments(ctx.db, id), refunds });
    if (differenceNeedsApproval({ differenceCents: countedCashCents - figures.expectedCashCents, thresholdCents })) {
      approvedBy = (await authorizeOverride(ctx, actor, body.approval)).approverName;
    }
  }
  return ctx.db.transaction().execute(async (trx) => {
    const session = await lockPosSession(trx, id);
    if (session === null) throw notFound('Session', id);
    const closing = closeSession({
      ...session,
      countedCashCents,
      count: body.count ?? null,
      draftOrders: await draftOrderIds(trx, id),
      attentionOrders: await attentionOrderIds(trx, id),
      payments: await sessionPayments(trx, id),
      ...(await sessionRefunds(trx, id)),
      thresholdCents,
      closedBy: actor.username,
      approvedBy,
      reason: body.reason ?? null,
    });
    return sessionView(await closePosSession(trx, id, closing, ctx.now()));
  });
}

/** The Z report of a closed session, from what its closing kept. */
export async function sessionReport(ctx: ServiceContext, id: number): Promise<ZReport> {
  const session = await requireSession(ctx.db, id);
  if (session.state !== 'closed' || session.closing === null || session.closedAt === null)
    throw new KassaError('KASSA_CONFLICT', 'The session is still open: its Z report exists once it is closed.');
  return reportOf(ctx, session, session.closing, session.closedAt);
}

/** A closing as kept: one from before the Z report existed has only the totals and the cash. */
type KeptClosing = Partial<SessionClosing> & Pick<SessionClosing, 'totals' | 'expectedCashCents' | 'countedCashCents' | 'cashDifferenceCents'>;

async function reportOf(ctx: ServiceContext, session: PosSession, closing: KeptClosing, closedAt: Date): Promise<ZReport> {
  const pos = await getPosConfig(ctx.db, session.posConfigId);
  const opener = await getUser(ctx.db, session.openedBy);
  // A closing kept before the Z report existed has only the totals: the rest is rebuilt from the payments.
  const figures: ClosingFigures =
    closing.cards === undefined || closing.settledByHand === undefined || closing.cashSalesCents === undefined
      ? closingFigures({
          openingCashCents: session.openingCashCents,
          payments: await sessionPayments(ctx.db, session.id),
          ...(await sessionRefunds(ctx.db, session.id)),
        })
      : (closing as SessionClosing);
  return {
    sessionId: session.id,
    posConfigId: session.posConfigId,
    posName: pos?.name ?? `POS ${session.posConfigId}`,
    openedBy: opener?.username ?? null,
    closedBy: closing.closedBy ?? null,
    openedAt: iso(session.openedAt),
    closedAt: iso(closedAt),
    openingCashCents: session.openingCashCents,
    cashSalesCents: figures.cashSalesCents,
    cashSalesCount: figures.cashSalesCount,
    changeGivenCents: figures.changeGivenCents,
    cashRefundsCents: figures.cashRefundsCents,
    expectedCashCents: closing.expectedCashCents,
    countedCashCents: closing.countedCashCents,
    cashDifferenceCents: closing.cashDifferenceCents,
    thresholdCents: closing.thresholdCents ?? thresholdOf(ctx),
    count: closing.count === undefined || closing.count === null ? null : [...closing.count],
    differenceApprovedBy: closing.differenceApprovedBy ?? null,
    differenceReason: closing.differenceReason ?? null,
    totals: [...closing.totals],
    cards: [...figures.cards],
    // A closing kept before refund lines were listed says nothing of them: its lines are payments.
    settledByHand: figures.settledByHand.map((p) => ({ ...p, refund: p.refund ?? false })),
  };
}

/**
 * Opens a closed session again, by a manager (the actor, or an approval given on the spot), only if
 * no later session of its POS was opened: that one started from this closing's cash, so the
 * closing is then final (KASSA_CONFLICT).
 */
export async function reopenSession(ctx: ServiceContext, actor: Actor, id: number, approval: CloseSessionBody['approval']): Promise<PosSessionApi> {
  const session = await requireSession(ctx.db, id);
  checkReopen({ state: session.state, laterSessions: await countLaterSessions(ctx.db, session) });
  await authorizeOverride(ctx, actor, approval);
  return ctx.db.transaction().execute(async (trx) => {
    const locked = await lockPosSession(trx, id);
    if (locked === null) throw notFound('Session', id);
    checkReopen({ state: locked.state, laterSessions: await countLaterSessions(trx, locked) });
    return sessionView(await reopenPosSession(trx, id));
  });
}
