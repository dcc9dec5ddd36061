import type { CreateUserBody, SetupBody } from '@kassa/contract';
import { checkNewPassword, hashPassword } from '../auth/passwords.js';
import { randomToken, sha256 } from '../auth/tokens.js';
import { KassaError } from '../domain/errors.js';
import { cleanUsername, usernameTaken } from '../domain/names.js';
import { addSetupToken, adminExists, clearSetupTokens } from '../repos/setup-tokens.js';
import type { User } from '../repos/users.js';
import { createUser } from '../repos/users.js';
import type { ServiceContext } from './context.js';

/** The page of the web app that creates the first admin; the token rides in the fragment, so no server log sees it. */
export function setupLink(publicUrl: string, token: string): string {
  return `${publicUrl}/#/setup/${token}`;
}

/**
 * On a database without an admin, issues a one-time setup token (only its hash is stored) and
 * returns it; null when an admin exists. Each start issues its own; all stop working at once when
 * the first admin exists.
 */
export async function openSetup(ctx: ServiceContext): Promise<string | null> {
  if (await adminExists(ctx.db)) return null;
  const token = randomToken();
  await addSetupToken(ctx.db, sha256(token));
  return token;
}

/**
 * Creates the first admin from a setup link. The tokens are deleted in the same transaction, so of
 * two people using links at once only the first succeeds.
 */
export async function createFirstAdmin(ctx: ServiceContext, body: SetupBody): Promise<User> {
  const username = cleanUsername(body.username);
  checkNewPassword(body.password, username);
  const passwordHash = await hashPassword(body.password, ctx.passwordCost);
  return ctx.db.transaction().execute(async (trx) => {
    const deleted = await trx.deleteFrom('setup_tokens').returning('token_hash').execute();
    if (await adminExists(trx)) throw new KassaError('KASSA_SETUP_DONE');
    if (!deleted.some((row) => row.token_hash === sha256(body.token))) throw new KassaError('KASSA_SETUP_TOKEN');
    const user = await createUser(trx, { username, role: 'admin', passwordHash });
    if (user === null) throw usernameTaken(username);
    return user;
  });
}

/** `kassa-server create-admin`: an admin made from the shell, at any time; any setup link stops working. */
export async function createAdminFromShell(ctx: ServiceContext, body: Pick<CreateUserBody, 'username' | 'password'>): Promise<User> {
  const username = cleanUsername(body.username);
  checkNewPassword(body.password, username);
  const passwordHash = await hashPassword(body.password, ctx.passwordCost);
  return ctx.db.transaction().execute(async (trx) => {
    const user = await createUser(trx, { username, role: 'admin', passwordHash });
    if (user === null) throw usernameTaken(username);
    await clearSetupTokens(trx);
    return user;
  });
}

/**
 * Remembers, per process, that an admin exists (it never stops existing: the last admin cannot be
 * removed), so the check before it costs one query per request only while the server is new.
 */
export class SetupGate {
  #ready = false;

  constructor(private readonly ctx: ServiceContext) {}

  async needed(): Promise<boolean> {
    if (this.#ready) return false;
    this.#ready = await adminExists(this.ctx.db);
    return !this.#ready;
  }
}
