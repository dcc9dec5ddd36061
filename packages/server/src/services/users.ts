import type { CreateUserBody, SetOwnPinBody, UpdateUserBody } from '@kassa/contract';
import { checkNewPassword, hashPassword, verifyPassword } from '../auth/passwords.js';
import { KassaError, notFound } from '../domain/errors.js';
import { cleanUsername, usernameTaken } from '../domain/names.js';
import { mayOverride } from '../domain/roles.js';
import { deleteUserSessions } from '../repos/auth-sessions.js';
import type { User } from '../repos/users.js';
import { countActiveAdmins, createUser, findUserForLogin, getUser, updateUser } from '../repos/users.js';
import type { ServiceContext } from './context.js';

/** The hash of a new PIN, null to remove it, undefined to keep it: a PIN is hashed like a password. */
async function pinHashOf(ctx: ServiceContext, pin: string | null | undefined): Promise<string | null | undefined> {
  return pin === undefined || pin === null ? pin : hashPassword(pin, ctx.passwordCost);
}

export async function addUser(ctx: ServiceContext, body: CreateUserBody): Promise<User> {
  const username = cleanUsername(body.username);
  checkNewPassword(body.password, username);
  const pinHash = await pinHashOf(ctx, body.pin);
  const user = await createUser(ctx.db, {
    username,
    role: body.role,
    passwordHash: await hashPassword(body.password, ctx.passwordCost),
    pinHash: pinHash ?? null,
  });
  if (user === null) throw usernameTaken(username);
  return user;
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
    const updated = await updateUser(trx, id, {
      ...(body.role === undefined ? {} : { role: body.role }),
      ...(body.active === undefined ? {} : { active: body.active }),
      ...(passwordHash === undefined ? {} : { passwordHash }),
      ...(pinHash === undefined ? {} : { pinHash }),
    });
    if (updated === null) throw notFound('User', id);
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
