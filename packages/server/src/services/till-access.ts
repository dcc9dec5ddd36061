import type { Actor } from '../domain/roles.js';
import { checkTillAccess, sellsOnAnyPos } from '../domain/roles.js';
import type { TillTarget } from '../repos/till-access.js';
import { readTillFacts } from '../repos/till-access.js';
import type { ServiceContext } from './context.js';

/**
 * Refuses (KASSA_FORBIDDEN) a cashier's action on a session, order or payment of another POS's
 * till; managers and admins pass without a read. A target that does not exist passes: the action
 * itself then answers 404.
 */
export async function requireTill(ctx: ServiceContext, actor: Actor, target: TillTarget): Promise<void> {
  if (sellsOnAnyPos(actor.role)) return;
  const till = await readTillFacts(ctx.db, target, actor.id);
  if (till !== null) checkTillAccess({ actor, till });
}
