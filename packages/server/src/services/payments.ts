import type { BoxCommand, BoxCommandKind, Payment as PaymentApi, PaymentDetail, PutPaymentBody } from '@kassa/contract';
import { MAX_RELEASE_REASON } from '@kassa/contract';
import { sha256 } from '../auth/tokens.js';
import { approvedAmountOf, mismatchCountedCents } from '../domain/box-trust.js';
import { KassaError, notFound } from '../domain/errors.js';
import type { StartReach } from '../domain/payments.js';
import { checkMarkFailedWhilePending, checkPaymentRequest, paidAndRunning } from '../domain/payments.js';
import type { PaymentState, UserPaymentEvent } from '../domain/payment-states.js';
import { applyUserEvent } from '../domain/payment-states.js';
import { enqueueCommand } from '../repos/box-commands.js';
import { getDevice } from '../repos/devices.js';
import { appendEvent } from '../repos/events.js';
import type { Executor } from '../repos/executor.js';
import type { Payment } from '../repos/payments.js';
import { addHistory, getHistory, getPayment, getTickets, setPaymentState } from '../repos/payments.js';
import { readPaymentRequest, writePaymentRequest } from '../repos/payment-requests.js';
import { startReach } from '../repos/start-reach.js';
import type { Override } from './approvals.js';
import type { ServiceContext } from './context.js';
import { iso, noteFinished } from './context.js';
import { methodMissing } from './configuration.js';
import { requireOrder } from './sales.js';
import { isUniqueViolation } from '../db/sql-errors.js';

export function paymentView(p: Payment): PaymentApi {
  return {
    uuid: p.uuid,
    orderId: p.orderId,
    paymentMethodId: p.methodId,
    amountCents: p.amountCents,
    state: p.state,
    deviceId: p.deviceId,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
    settledBy: p.settledBy,
    settleReason: p.settleReason,
    tenderedCents: p.tenderedCents,
    changeCents: p.changeCents,
    approvedBy: p.approvedBy,
    kind: p.kind,
  };
}

function requestHash(body: PutPaymentBody): string {
  return sha256(JSON.stringify([body.orderId, body.paymentMethodId, body.amountCents]));
}

function sameRequest(existing: Payment, hash: string): Payment {
  if (existing.requestHash !== hash) throw new KassaError('KASSA_IDEMPOTENCY_MISMATCH', undefined, { uuid: existing.uuid });
  return existing;
}

async function publish(trx: Executor, ctx: ServiceContext, payment: Payment): Promise<void> {
  await appendEvent(trx, { topic: 'payment', audience: 'cashier', data: { payment: paymentView(payment) } });
}

/** Reads before a request gives up: each read but the last was overtaken by another request's write. */
const REQUEST_PASSES = 5;

/**
 * Requests a payment. The uuid is the idempotency key: the write inserts the payment unless its
 * uuid exists, so two identical requests arriving together make one payment and the second finds
 * it; a terminal payment is queued for its box in the same statement, so it starts exactly once.
 * One statement reads what the rules need, the rules decide, one statement writes if the order's
 * payment lines are still those read (otherwise it reads again). No transaction spans the two.
 */
export async function requestPayment(
  ctx: ServiceContext,
  uuid: string,
  body: PutPaymentBody,
  userId: number,
): Promise<{ created: boolean; payment: PaymentApi }> {
  const hash = requestHash(body);
  try {
    for (let pass = 1; pass <= REQUEST_PASSES; pass++) {
      const facts = await readPaymentRequest(ctx.db, { orderId: body.orderId, paymentUuid: uuid, methodId: body.paymentMethodId });
      if (facts === null) throw notFound('Order', body.orderId);
      if (facts.existing !== null) return { created: false, payment: paymentView(sameRequest(facts.existing, hash)) };
      const { order, device } = facts;
      const method = facts.method ?? methodMissing(body.paymentMethodId);
      const figures = checkPaymentRequest({
        order,
        method: { ...method, device },
        posMethodIds: facts.posMethodIds,
        amountCents: body.amountCents,
        deviceActivePayments: facts.deviceActivePayments,
      });
      const usesTerminal = method.terminal !== 'none' && device !== null;
      const state: PaymentState = usesTerminal ? 'pending' : 'done';
      const at = ctx.now();
      const payment: Payment = {
        uuid,
        orderId: order.id,
        methodId: method.id,
        ...figures,
        state,
        requestHash: hash,
        deviceId: device?.id ?? null,
        boxId: device?.boxId ?? null,
        terminalId: usesTerminal ? device.terminalId : null,
        transactionId: null,
        createdBy: userId,
        createdAt: at,
        updatedAt: at,
        settledBy: null,
        settleReason: null,
        approvedBy: null,
        kind: 'payment',
      };
      // A purchase carries no transactionKind, as every box before refunds reads it.
      const queued = usesTerminal
        ? {
            boxId: device.boxId,
            command: { kind: 'startTransaction' as const, paymentUuid: uuid, terminalId: device.terminalId, amountCents: body.amountCents },
          }
        : null;
      const written = await writePaymentRequest(ctx.db, ctx.prefix, {
        payment,
        paymentsVersion: facts.paymentsVersion,
        history: { userId, data: body },
        command: queued,
        eventData: { payment: paymentView(payment) },
        posId: order.posId,
      });
      if (written.outcome === 'created') {
        if (queued !== null && written.commandId !== null)
          ctx.links.queued({ ...queued, id: written.commandId }, { payment: written.payment, version: written.version, posId: order.posId });
        return { created: true, payment: paymentView(written.payment) };
      }
      if (written.outcome === 'conflict') return { created: false, payment: paymentView(sameRequest((await getPayment(ctx.db, uuid)) ?? missing(uuid), hash)) };
    }
    throw new Error(`The payment lines of order ${body.orderId} changed at each of ${REQUEST_PASSES} reads.`);
  } catch (error) {
    if (isUniqueViolation(error)) throw new KassaError('KASSA_TERMINAL_BUSY');
    throw error;
  }
}

function missing(uuid: string): never {
  throw notFound('Payment', uuid);
}

export async function paymentDetail(ctx: ServiceContext, uuid: string): Promise<PaymentDetail> {
  const payment = (await getPayment(ctx.db, uuid)) ?? missing(uuid);
  const history = await getHistory(ctx.db, uuid);
  const tickets = await getTickets(ctx.db, uuid);
  return {
    payment: paymentView(payment),
    history: history.map((h) => ({ ...h, at: iso(h.at), data: h.data ?? null })),
    tickets: tickets.map((t) => ({ ...t, at: iso(t.at) })),
  };
}

/**
 * A cashier's action on a payment, through the state table: cancel and recover also go to the box
 * (whose terminal then decides); forceDone and markFailed are overrides: they need an authorized
 * `override` (see authorizeOverride) and record the user, the approving manager and the reason.
 */
export async function actOnPayment(
  ctx: ServiceContext,
  uuid: string,
  action: { event: UserPaymentEvent; userId: number; reason?: string; override?: Override },
): Promise<PaymentApi> {
  const settles = action.event === 'forceDone' || action.event === 'markFailed';
  if (settles && action.override?.actorId !== action.userId)
    throw new KassaError('KASSA_FORBIDDEN', 'A settlement by hand needs a manager’s approval.', { needs: 'managerApproval' });
  const approval = settles && action.override !== undefined ? { approvedBy: action.override.approvedBy, approverName: action.override.approverName } : null;
  return ctx.db.transaction().execute(async (trx) => {
    // The box row is locked before the payment row, in the order a box's link takes them.
    const reach = action.event === 'markFailed' ? await reachOfPending(trx, uuid) : null;
    const payment = (await getPayment(trx, uuid, { forUpdate: true })) ?? missing(uuid);
    const next = applyUserEvent({ state: payment.state, event: action.event });
    if (action.event === 'recover' && payment.state !== 'unknown') await checkTerminalReachable(trx, payment);
    // Pending is only ever the first state: a payment pending now was pending when its box was read.
    if (reach !== null && payment.state === 'pending') checkMarkFailedWhilePending(reach);
    // A mismatch settled as paid counts what the terminal approved, not what was asked.
    const counted = next === 'forceDone' && payment.state === 'mismatch' ? await mismatchCounted(trx, payment) : null;
    noteFinished(ctx, payment, next, ctx.now());
    const updated = await setPaymentState(trx, uuid, {
      state: next,
      at: ctx.now(),
      ...(approval === null ? {} : { settledBy: action.userId, settleReason: action.reason ?? '', approvedBy: approval.approvedBy }),
      ...(counted === null ? {} : { amountCents: counted }),
    });
    await addHistory(trx, uuid, {
      at: ctx.now(),
      source: 'user',
      event: action.event,
      fromState: payment.state,
      toState: next,
      userId: action.userId,
      message: action.reason ?? null,
      ...(approval === null
        ? {}
        : {
            data: {
              approvedBy: { id: approval.approvedBy, username: approval.approverName },
              ...(counted === null ? {} : { requestedCents: payment.amountCents, countedCents: counted }),
            },
          }),
    });
    const kind = boxCommandKind(action, payment);
    const device = kind !== null && payment.deviceId !== null ? await getDevice(trx, payment.deviceId) : null;
    if (kind !== null && device !== null && payment.boxId !== null)
      await enqueueCommand(trx, ctx.prefix, payment.boxId, boxCommand(kind, { paymentUuid: uuid, terminalId: device.terminalId }, action.reason));
    await publish(trx, ctx, updated);
    return paymentView(updated);
  });
}

/** The amount a mismatch settled as paid counts, checked against its order (domain/box-trust.ts). */
async function mismatchCounted(trx: Executor, payment: Payment): Promise<number> {
  const order = await requireOrder(trx, payment.orderId);
  const { paidCents } = paidAndRunning(order.payments.filter((line) => line.uuid !== payment.uuid));
  return mismatchCountedCents({
    kind: payment.kind,
    requestedCents: payment.amountCents,
    approvedCents: approvedAmountOf(await getHistory(trx, payment.uuid)),
    otherPaidCents: paidCents,
    totalCents: order.totalCents,
  });
}

/** A running payment's terminal is asked only while it is online: an offline one is the answer, at once. */
async function checkTerminalReachable(trx: Executor, payment: Payment): Promise<void> {
  const device = payment.deviceId === null ? null : await getDevice(trx, payment.deviceId);
  if (device === null || !device.online)
    throw new KassaError('KASSA_DEVICE_OFFLINE', 'The terminal is offline: it cannot be asked now.', { deviceId: payment.deviceId });
}

/** Whether a payment that is pending may have its start on the way to the terminal; null when it is not pending. */
async function reachOfPending(trx: Executor, uuid: string): Promise<StartReach | null> {
  const payment = await getPayment(trx, uuid);
  return payment?.state === 'pending' && payment.boxId !== null ? startReach(trx, { uuid, boxId: payment.boxId }) : null;
}

/**
 * What the box must hear of a cashier's action: cancel and recover go to the terminal; a payment
 * settled by hand while unknown releases the terminal, which the box holds until then.
 */
function boxCommandKind(action: { event: UserPaymentEvent }, payment: Payment): Exclude<BoxCommandKind, 'startTransaction'> | null {
  if (action.event === 'cancel') return 'cancelTransaction';
  if (action.event === 'recover') return 'recoverTransaction';
  if ((action.event === 'forceDone' || action.event === 'markFailed') && payment.state === 'unknown') return 'releaseTransaction';
  return null;
}

function boxCommand(kind: Exclude<BoxCommandKind, 'startTransaction'>, target: { paymentUuid: string; terminalId: string }, reason = ''): BoxCommand {
  return kind === 'releaseTransaction' ? { kind, ...target, reason: reason.slice(0, MAX_RELEASE_REASON) } : { kind, ...target };
}
