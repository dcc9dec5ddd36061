import type { ScryptCost } from '../auth/passwords.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { constantTimeEqual, randomToken, sha256 } from '../auth/tokens.js';
import { KassaError } from '../domain/errors.js';
import { createAuthSession, deleteAuthSession, deleteExpiredSessions, findAuthSession } from '../repos/auth-sessions.js';
import type { User } from '../repos/users.js';
import { findUserForLogin } from '../repos/users.js';
import type { ServiceContext } from './context.js';

export interface LoggedIn {
  readonly sessionToken: string;
  readonly user: User;
  readonly csrfToken: string;
}

const dummyHashes = new Map<string, Promise<string>>();

/** Verifying against a dummy hash when the user is unknown makes both answers take as long. */
export function dummyHash(cost: ScryptCost): Promise<string> {
  const key = `${cost.N}/${cost.r}/${cost.p}`;
  let hash = dummyHashes.get(key);
  if (hash === undefined) {
    hash = hashPassword(randomToken(), cost);
    dummyHashes.set(key, hash);
  }
  return hash;
}

export async function login(ctx: ServiceContext, credentials: { username: string; password: string }): Promise<LoggedIn> {
  const user = await findUserForLogin(ctx.db, credentials.username);
  const ok = await verifyPassword(credentials.password, user?.passwordHash ?? (await dummyHash(ctx.passwordCost)));
  if (user === null || !ok || !user.active) throw new KassaError('KASSA_BAD_CREDENTIALS');
  const sessionToken = randomToken();
  const csrfToken = randomToken();
  const now = ctx.now();
  await deleteExpiredSessions(ctx.db, now);
  await createAuthSession(ctx.db, { idHash: sha256(sessionToken), userId: user.id, csrfToken, expiresAt: new Date(now.getTime() + ctx.sessionTtlMs) });
  return { sessionToken, csrfToken, user: { id: user.id, username: user.username, role: user.role, active: user.active, hasPin: user.hasPin } };
}

export async function logout(ctx: ServiceContext, sessionToken: string): Promise<void> {
  await deleteAuthSession(ctx.db, sha256(sessionToken));
}

export async function resolveSession(ctx: ServiceContext, sessionToken: string): Promise<{ user: User; csrfToken: string } | null> {
  return findAuthSession(ctx.db, sha256(sessionToken), ctx.now());
}

export function checkCsrf({ expected, received }: { expected: string; received: string | undefined }): void {
  if (received === undefined || !constantTimeEqual(expected, received)) throw new KassaError('KASSA_CSRF');
}
