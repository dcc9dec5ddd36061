import type { ManagerApproval, Payment as PaymentApi } from '@kassa/contract';
import { notFound } from '../domain/errors.js';
import { applyUserEvent } from '../domain/payment-states.js';
import type { Actor } from '../domain/roles.js';
import { getPayment } from '../repos/payments.js';
import { authorizeOverride } from './approvals.js';
import type { ServiceContext } from './context.js';
import { actOnPayment } from './payments.js';
import { requireTill } from './till-access.js';

/**
 * Settles a payment by hand (force done, mark failed): an override. In this order, so that a
 * refusal says the first thing wrong and changes nothing: the payment must be of the actor's till,
 * the state table must allow the settlement (only where the terminal's outcome is unknown), and a
 * manager must approve (the actor, or the approval given on the spot). The write checks the state
 * again under the payment's lock; the approval's hashes are checked before it, outside the lock.
 */
export async function settleByHand(
  ctx: ServiceContext,
  actor: Actor,
  uuid: string,
  settlement: { event: 'forceDone' | 'markFailed'; reason: string; approval?: ManagerApproval | undefined },
): Promise<PaymentApi> {
  await requireTill(ctx, actor, { paymentUuid: uuid });
  const payment = await getPayment(ctx.db, uuid);
  if (payment === null) throw notFound('Payment', uuid);
  applyUserEvent({ state: payment.state, event: settlement.event });
  const override = await authorizeOverride(ctx, actor, settlement.approval);
  return actOnPayment(ctx, uuid, { event: settlement.event, userId: actor.id, reason: settlement.reason, override });
}
