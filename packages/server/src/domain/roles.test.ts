import { describe, expect, it } from 'vitest';
import { errorCode } from '../test-support/errors.js';
import type { Actor } from './roles.js';
import { checkTillAccess, mayOverride, overrideApprover, sellsOnAnyPos } from './roles.js';

const cashier: Actor = { id: 3, username: 'cas', role: 'cashier' };
const manager: Actor = { id: 2, username: 'mia', role: 'manager' };
const admin: Actor = { id: 1, username: 'ada', role: 'admin' };

describe('roles at the till', () => {
  it('lets managers and admins override and sell on any POS, and cashiers neither', () => {
    expect([admin, manager, cashier].map((a) => [mayOverride(a.role), sellsOnAnyPos(a.role)])).toEqual([
      [true, true],
      [true, true],
      [false, false],
    ]);
  });

  it('lets a cashier act on a session they opened, or of the POS whose session they hold', () => {
    expect(errorCode(() => checkTillAccess({ actor: cashier, till: { sessionId: 9, openedBy: cashier.id, actorHoldsPos: false } }))).toBe('no error');
    expect(errorCode(() => checkTillAccess({ actor: cashier, till: { sessionId: 9, openedBy: 77, actorHoldsPos: true } }))).toBe('no error');
  });

  it('refuses a cashier another POS’s session with KASSA_FORBIDDEN, and lets a manager act there', () => {
    const other = { sessionId: 9, openedBy: 77, actorHoldsPos: false };
    expect(errorCode(() => checkTillAccess({ actor: cashier, till: other }))).toBe('KASSA_FORBIDDEN');
    expect(errorCode(() => checkTillAccess({ actor: manager, till: other }))).toBe('no error');
  });

  it('has a manager approve their own override, and asks a cashier for a manager’s approval', () => {
    expect(overrideApprover({ actor: manager, approver: null })).toBe(manager.id);
    expect(overrideApprover({ actor: cashier, approver: admin })).toBe(admin.id);
    expect(errorCode(() => overrideApprover({ actor: cashier, approver: null }))).toBe('KASSA_FORBIDDEN');
    expect(errorCode(() => overrideApprover({ actor: cashier, approver: { id: 4, username: 'bob', role: 'cashier' } }))).toBe('KASSA_APPROVAL_REFUSED');
  });
});
