import type { CreateUserBody, UpdateUserBody } from '@kassa/contract';
import { checkNewPassword, hashPassword } from '../auth/passwords.js';
import { KassaError, notFound } from '../domain/errors.js';
import { deleteUserSessions } from '../repos/auth-sessions.js';
import type { User } from '../repos/users.js';
import { countActiveAdmins, createUser, getUser, updateUser } from '../repos/users.js';
import type { ServiceContext } from './context.js';

export async function addUser(ctx: ServiceContext, body: CreateUserBody): Promise<User> {
  checkNewPassword(body.password);
  const user = await createUser(ctx.db, { username: body.username, role: body.role, passwordHash: await hashPassword(body.password, ctx.passwordCost) });
  if (user === null) throw new KassaError('KASSA_CONFLICT', `User ${body.username} exists.`, { username: body.username });
  return user;
}

/** Changes a user; a demotion, deactivation or new password ends the user's sessions. The last admin stays. */
export async function changeUser(ctx: ServiceContext, id: number, body: UpdateUserBody): Promise<User> {
  if (body.password !== undefined) checkNewPassword(body.password);
  const passwordHash = body.password === undefined ? undefined : await hashPassword(body.password, ctx.passwordCost);
  return ctx.db.transaction().execute(async (trx) => {
    const user = await getUser(trx, id);
    if (user === null) throw notFound('User', id);
    const losesAdmin = user.role === 'admin' && user.active && (body.role === 'cashier' || body.active === false);
    if (losesAdmin && (await countActiveAdmins(trx)) <= 1) throw new KassaError('KASSA_LAST_ADMIN');
    const updated = await updateUser(trx, id, { ...(body.role === undefined ? {} : { role: body.role }), ...(body.active === undefined ? {} : { active: body.active }), ...(passwordHash === undefined ? {} : { passwordHash }) });
    if (updated === null) throw notFound('User', id);
    if (body.role !== undefined || body.active === false || passwordHash !== undefined) await deleteUserSessions(trx, id);
    return updated;
  });
}
