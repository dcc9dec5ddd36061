import type { BoxCommand } from '@kassa/contract';
import type { Device } from '../domain/devices.js';
import type { PaymentState } from '../domain/payment-states.js';
import type { ReturnedLine } from '../domain/refunds.js';
import type { Actor } from '../domain/roles.js';
import { enqueueCommand } from '../repos/box-commands.js';
import { appendEvent } from '../repos/events.js';
import type { Executor } from '../repos/executor.js';
import { addHistory, getPayment } from '../repos/payments.js';
import { insertRefund, insertRefundLine } from '../repos/refunds.js';
import type { Override } from './approvals.js';
import type { ServiceContext } from './context.js';
import { paymentView } from './payments.js';

/** One refund line to start: a return's or a cancellation's, paid back in cash (at once) or through a terminal. */
export interface RefundLineStart {
  readonly uuid: string;
  readonly orderId: string;
  readonly methodId: number;
  readonly amountCents: number;
  readonly requestHash: string;
  /** The device of the method, if it has one. */
  readonly device: Pick<Device, 'id' | 'boxId' | 'terminalId'> | null;
  /** Whether the terminal runs it (a refund transaction) rather than it being done at once. */
  readonly onTerminal: boolean;
  /** The method's TransactionType for refunds; null for the protocol's default. */
  readonly transactionType: string | null;
  readonly reason: string;
  /** The lines returned (positions and quantities); none for an amount or a cancellation. */
  readonly lines: readonly ReturnedLine[];
  readonly actor: Actor;
  readonly approval: Override;
  /** Recorded in the history entry: the refund is one of an order's cancellation. */
  readonly cancellation?: boolean;
}

/**
 * Writes a refund line with its refund record and first history entry; a terminal refund is queued
 * for its box in the same transaction (it starts exactly once), and the line is announced.
 */
export async function startRefundLine(ctx: ServiceContext, trx: Executor, r: RefundLineStart): Promise<void> {
  const { uuid, orderId, amountCents, device, actor, approval } = r;
  const terminal = r.onTerminal && device !== null ? device : null;
  const state: PaymentState = terminal === null ? 'done' : 'pending';
  const at = ctx.now();
  await insertRefundLine(trx, {
    uuid,
    orderId,
    methodId: r.methodId,
    amountCents,
    state,
    requestHash: r.requestHash,
    deviceId: device?.id ?? null,
    boxId: device?.boxId ?? null,
    terminalId: terminal?.terminalId ?? null,
    createdBy: actor.id,
    approvedBy: approval.approvedBy,
    at,
  });
  await insertRefund(trx, { paymentUuid: uuid, orderId, reason: r.reason, lines: r.lines, createdBy: actor.id, approvedBy: approval.approvedBy, at });
  await addHistory(trx, uuid, {
    at,
    source: 'user',
    event: 'requested',
    fromState: state,
    toState: state,
    userId: actor.id,
    message: r.reason,
    data: {
      refund: { amountCents, lines: r.lines },
      ...(r.cancellation === true ? { cancellation: true } : {}),
      approvedBy: { id: approval.approvedBy, username: approval.approverName },
    },
  });
  if (terminal !== null) {
    const command: BoxCommand = {
      kind: 'startTransaction',
      paymentUuid: uuid,
      terminalId: terminal.terminalId,
      amountCents,
      transactionKind: 'refund',
      ...(r.transactionType !== null ? { transactionType: r.transactionType } : {}),
    };
    await enqueueCommand(trx, ctx.prefix, terminal.boxId, command);
  }
  const payment = await getPayment(trx, uuid);
  if (payment !== null) await appendEvent(trx, { topic: 'payment', audience: 'cashier', data: { payment: paymentView(payment) } });
}
