import { KassaError } from './errors.js';

/**
 * Who may do what at a till. The roles and what each may do:
 * - admin: configuration (company, journals, boxes, devices, payment methods, POS, products,
 *   users), and everything a manager may.
 * - manager: overrides at the till (settle a payment by hand, refunds, cancelling an order that
 *   took money, accepting a cash difference, reopening a session), and selling on any POS. No
 *   configuration.
 * - cashier: selling on the tills of its own POS (the POS an admin lists for it, checkMayOpen);
 *   an override only with a manager's approval given on the spot.
 */
export type Role = 'admin' | 'manager' | 'cashier';

export interface Actor {
  readonly id: number;
  readonly username: string;
  readonly role: Role;
}

/** Whether the role may perform an override itself (and approve one for a cashier). */
export function mayOverride(role: Role): boolean {
  return role === 'admin' || role === 'manager';
}

/** Whether the role may sell and act on the orders and payments of any POS. */
export function sellsOnAnyPos(role: Role): boolean {
  return role === 'admin' || role === 'manager';
}

/** The session an order or payment belongs to, as the till rule sees it. */
export interface TillFacts {
  readonly sessionId: number;
  /** The user who opened the session. */
  readonly openedBy: number;
  /** Whether the actor has an open session of the same POS right now. */
  readonly actorHoldsPos: boolean;
}

/**
 * A cashier opens a session only on a POS an admin listed for them (none listed: any POS).
 * Managers and admins open any. Otherwise KASSA_FORBIDDEN with `details.needs: 'ownPos'`.
 */
export function checkMayOpen({ actor, posConfigId }: { actor: { role: Role; posConfigIds: readonly number[] }; posConfigId: number }): void {
  if (sellsOnAnyPos(actor.role) || actor.posConfigIds.length === 0 || actor.posConfigIds.includes(posConfigId)) return;
  throw new KassaError('KASSA_FORBIDDEN', 'This POS is not one of yours: an admin lists the POS each cashier may open, under Users.', {
    needs: 'ownPos',
    posConfigId,
  });
}

/**
 * A cashier's own POS is the one whose session they opened (and they open only the POS an admin
 * listed for them, checkMayOpen); a session is opened by the person who takes the till, so a cashier acts on the
 * orders and payments of the sessions they opened, and of any session of the POS whose session
 * they have open now (an order or payment of an earlier shift on that till). Anything else is
 * another till's: KASSA_FORBIDDEN. Managers and admins act on every POS.
 */
export function checkTillAccess({ actor, till }: { actor: Actor; till: TillFacts }): void {
  if (sellsOnAnyPos(actor.role)) return;
  if (till.openedBy === actor.id || till.actorHoldsPos) return;
  throw new KassaError('KASSA_FORBIDDEN', 'This belongs to the session of another POS; a cashier acts only on the tills of their own POS.', {
    needs: 'ownPos',
    sessionId: till.sessionId,
  });
}

/**
 * An override (a settlement by hand, later a refund, cancelling a paid order, a cash difference)
 * by this actor, with the approver already verified (or none given). A manager or admin approves
 * their own override; a cashier needs a manager's approval: without one the answer is
 * KASSA_FORBIDDEN with `details.needs: 'managerApproval'`, which the till answers with the
 * approval dialog. Returns the id of the approving user.
 */
export function overrideApprover({ actor, approver }: { actor: Actor; approver: Actor | null }): number {
  if (approver !== null) {
    if (!mayOverride(approver.role)) throw new KassaError('KASSA_APPROVAL_REFUSED');
    return approver.id;
  }
  if (mayOverride(actor.role)) return actor.id;
  throw new KassaError('KASSA_FORBIDDEN', 'A manager must approve this: ask a manager for their PIN or password.', { needs: 'managerApproval' });
}
