import type { CreateUserBody, SetOwnPinBody, UpdateUserBody } from '@kassa/contract';
import { checkNewPassword, hashPassword, verifyPassword } from '../auth/passwords.js';
import { KassaError, notFound } from '../domain/errors.js';
import { cleanUsername, usernameTaken } from '../domain/names.js';
import { mayOverride } from '../domain/roles.js';
import { deleteUserSessions } from '../repos/auth-sessions.js';
import type { User } from '../repos/users.js';
import type { Executor } from '../repos/executor.js';
import { countActiveAdmins, createUser, findUserForLogin, getUser, setUserTills, updateUser } from '../repos/users.js';
import type { ServiceContext } from './context.js';

/** The hash of a new PIN, null to remove it, undefined to keep it: a PIN is hashed like a password. */
async function pinHashOf(ctx: ServiceContext, pin: string | null | undefined): Promise<string | null | undefined> {
  return pin === undefined || pin === null ? pin : hashPassword(pin, ctx.passwordCost);
}

export async function addUser(ctx: ServiceContext, body: CreateUserBody): Promise<User> {
  const username = cleanUsername(body.username);
  checkNewPassword(body.password, username);
  const pinHash = await pinHashOf(ctx, body.pin);
  const passwordHash = await hashPassword(body.password, ctx.passwordCost);
  return ctx.db.transaction().execute(async (trx) => {
    const user = await createUser(trx, { username, role: body.role, passwordHash, pinHash: pinHash ?? null });
    if (user === null) throw usernameTaken(username);
    if (body.posConfigIds === undefined || body.posConfigIds.length === 0) return user;
    await setTills(trx, user.id, body.posConfigIds);
    return (await getUser(trx, user.id)) ?? user;
  });
}

/** Sets the POS a cashier may open, each of which must exist (KASSA_VALIDATION naming the field otherwise). */
async function setTills(trx: Executor, userId: number, posConfigIds: readonly number[]): Promise<void> {
  const known = await trx
    .selectFrom('pos_configs')
    .select('id')
    .where('id', 'in', posConfigIds.length > 0 ? [...posConfigIds] : [0])
    .execute();
  const missing = posConfigIds.filter((id) => !known.some((row) => row.id === id));
  if (missing.length > 0) {
    const message = `No POS configuration ${missing.join(', ')}.`;
    throw new KassaError('KASSA_VALIDATION', message, { field: 'posConfigIds', issues: [{ path: '/posConfigIds', message }] });
  }
  await setUserTills(trx, userId, posConfigIds);
}

/**
 * Changes a user; a change of role, a deactivation, a new password or PIN ends the user's sessions.
 * The last admin stays.
 */
export async function changeUser(ctx: ServiceContext, id: number, body: UpdateUserBody): Promise<User> {
  if (body.password !== undefined) {
    // Usernames never change, so the one read here is the one the password must not contain.
    const user = await getUser(ctx.db, id);
    if (user === null) throw notFound('User', id);
    checkNewPassword(body.password, user.username);
  }
  const passwordHash = body.password === undefined ? undefined : await hashPassword(body.password, ctx.passwordCost);
  const pinHash = await pinHashOf(ctx, body.pin);
  return ctx.db.transaction().execute(async (trx) => {
    const user = await getUser(trx, id);
    if (user === null) throw notFound('User', id);
    const losesAdmin = user.role === 'admin' && user.active && ((body.role !== undefined && body.role !== 'admin') || body.active === false);
    if (losesAdmin && (await countActiveAdmins(trx)) <= 1) throw new KassaError('KASSA_LAST_ADMIN');
    const change = {
      ...(body.role === undefined ? {} : { role: body.role }),
      ...(body.active === undefined ? {} : { active: body.active }),
      ...(passwordHash === undefined ? {} : { passwordHash }),
      ...(pinHash === undefined ? {} : { pinHash }),
    };
    const updated = Object.keys(change).length === 0 ? user : await updateUser(trx, id, change);
    if (updated === null) throw notFound('User', id);
    if (body.posConfigIds !== undefined) {
      await setTills(trx, id, body.posConfigIds);
      // A cashier taken off a POS leaves its tills now: their sessions end.
      await deleteUserSessions(trx, id);
      return (await getUser(trx, id)) ?? updated;
    }
    if (body.role !== undefined || body.active === false || passwordHash !== undefined || pinHash !== undefined) await deleteUserSessions(trx, id);
    return updated;
  });
}

/**
 * A manager or admin sets (or removes) their own approval PIN, confirming with their password; a
 * cashier approves nothing, so has no PIN (KASSA_FORBIDDEN). The user's sessions go on.
 */
export async function setOwnPin(ctx: ServiceContext, userId: number, body: SetOwnPinBody): Promise<User> {
  const user = await getUser(ctx.db, userId);
  if (user === null) throw notFound('User', userId);
  if (!mayOverride(user.role)) throw new KassaError('KASSA_FORBIDDEN', 'Only managers and admins approve, so only they have a PIN.', { required: 'manager' });
  const secrets = await findUserForLogin(ctx.db, user.username);
  if (secrets === null || !(await verifyPassword(body.currentPassword, secrets.passwordHash)))
    throw new KassaError('KASSA_FORBIDDEN', 'The current password is wrong.', { field: 'currentPassword' });
  const updated = await updateUser(ctx.db, userId, { pinHash: (await pinHashOf(ctx, body.pin)) ?? null });
  if (updated === null) throw notFound('User', userId);
  return updated;
}
