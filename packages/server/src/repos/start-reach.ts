import type { BoxCommand } from '@kassa/contract';
import { sql } from 'kysely';
import type { StartReach } from '../domain/payments.js';
import type { Executor } from './executor.js';

/**
 * Whether a payment's start command may have reached its box. The box row is locked for share, so
 * a box saying hello (which sets it online) waits for the caller's transaction, and the caller's
 * decision holds until it commits: a box that comes back afterwards reads the payment's new state
 * before it is sent anything.
 */
export async function startReach(db: Executor, payment: { uuid: string; boxId: string }): Promise<StartReach> {
  const row = await db
    .selectFrom('boxes')
    .select((eb) => [
      'boxes.online',
      eb
        .exists(
          eb
            .selectFrom('box_commands')
            .select(sql<number>`1`.as('one'))
            .where('box_commands.box_id', '=', payment.boxId)
            .where('box_commands.kind', '=', 'startTransaction' satisfies BoxCommand['kind'])
            .where(sql<string>`box_commands.payload->>'paymentUuid'`, '=', payment.uuid)
            .where('box_commands.delivered_at', 'is not', null),
        )
        .as('delivered'),
    ])
    .where('boxes.id', '=', payment.boxId)
    .forShare()
    .executeTakeFirst();
  // A box that no longer exists cannot send anything.
  return { boxOnline: row?.online ?? false, startDelivered: Boolean(row?.delivered) };
}
