import type { ManagerApproval } from '@kassa/contract';
import { verifyPassword } from '../auth/passwords.js';
import { KassaError } from '../domain/errors.js';
import type { Actor } from '../domain/roles.js';
import { mayOverride, overrideApprover } from '../domain/roles.js';
import { clearHits, countHit } from '../http/rate-limit-store.js';
import { findUserForLogin } from '../repos/users.js';
import type { ServiceContext } from './context.js';
import { dummyHash } from './auth.js';

/** Wrong approvals in a row a manager's name takes before it is refused for the rest of the window. */
export const APPROVAL_LIMIT = { max: 5, windowMs: 5 * 60_000 } as const;

/** The limiter's key of one approver: the login limiter's counters, a key of their own. */
const limitKey = (username: string): string => `approval ${username}`;

/** A PIN is 4 to 8 digits; anything else typed in the dialog is taken as the password. */
const PIN = /^[0-9]{4,8}$/;

/** An authorized override: who performs it and who approved it (the same user for a manager or admin). */
export interface Override {
  readonly actorId: number;
  readonly approvedBy: number;
  readonly approverName: string;
}

/**
 * Authorizes an override (settle by hand, refund, cancel a paid order, accept a cash difference)
 * by `actor`. A manager or admin approves their own; a cashier brings a manager's approval given on
 * the spot: the manager's username and PIN or password, checked against the stored hashes. The
 * approver must be an active manager or admin. Attempts are counted per approver with the login
 * limiter's counters (in the database, across server processes): after APPROVAL_LIMIT.max wrong
 * ones in a row, every attempt for that approver is refused with KASSA_RATE_LIMITED until the window
 * ends; a right one starts the count again. A wrong approval is KASSA_APPROVAL_REFUSED.
 */
export async function authorizeOverride(ctx: ServiceContext, actor: Actor, approval: ManagerApproval | undefined): Promise<Override> {
  if (approval === undefined) return { actorId: actor.id, approvedBy: overrideApprover({ actor, approver: null }), approverName: actor.username };
  const key = limitKey(approval.username);
  const hit = await countHit(ctx.db, key, APPROVAL_LIMIT.windowMs);
  if (hit.current > APPROVAL_LIMIT.max) {
    throw new KassaError('KASSA_RATE_LIMITED', `Too many wrong approvals for ${approval.username}; retry in ${Math.ceil(hit.ttl / 1000)} s.`, {
      retryAfterMs: hit.ttl,
    });
  }
  const approver = await findUserForLogin(ctx.db, approval.username);
  const ok = await secretMatches(ctx, approval.secret, approver);
  if (approver === null || !ok || !approver.active || !mayOverride(approver.role)) throw new KassaError('KASSA_APPROVAL_REFUSED');
  await clearHits(ctx.db, key);
  return { actorId: actor.id, approvedBy: overrideApprover({ actor, approver }), approverName: approver.username };
}

/** The PIN when one is set and the secret looks like one, else the password; a dummy hash for an unknown user, so both take as long. */
async function secretMatches(ctx: ServiceContext, secret: string, user: { passwordHash: string; pinHash: string | null } | null): Promise<boolean> {
  if (user === null) return verifyPassword(secret, await dummyHash(ctx.passwordCost));
  if (user.pinHash !== null && PIN.test(secret) && (await verifyPassword(secret, user.pinHash))) return true;
  return verifyPassword(secret, user.passwordHash);
}
