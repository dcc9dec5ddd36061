import { createHash, timingSafeEqual } from 'node:crypto';
import type { ScryptCost } from '../auth/passwords.js';
import { hashPassword, needsRehash, verifyPassword } from '../auth/passwords.js';
import { randomToken, sha256 } from '../auth/tokens.js';
import { KassaError, notFound } from '../domain/errors.js';
import type { ThrottleScope } from '../domain/login-lockout.js';
import { throttleKey } from '../domain/login-lockout.js';
import { createAuthSession, deleteAuthSession, deleteExpiredSessions, findAuthSession } from '../repos/auth-sessions.js';
import {
  clearThrottles,
  deleteStaleThrottles,
  findLoginDevice,
  lockedKeys,
  listLoginDeviceHashes,
  recordFailure,
  saveLoginDevice,
} from '../repos/login-throttles.js';
import type { User } from '../repos/users.js';
import { findUserForLogin, getUser, updateUser } from '../repos/users.js';
import type { ServiceContext } from './context.js';

export interface LoggedIn {
  readonly sessionToken: string;
  readonly user: User;
  readonly csrfToken: string;
  /** The device cookie to set (new or renewed): this browser has now logged in as this user. */
  readonly deviceToken: string;
}

export interface LoginAttempt {
  readonly username: string;
  readonly password: string;
  /** The client address (the socket's, or a listed proxy's X-Forwarded-For). */
  readonly address: string;
  /** The device cookie the browser sent, if any. */
  readonly deviceToken: string | undefined;
}

/** A browser stays a known device of its user this long after its last login. */
export const DEVICE_TTL_MS = 90 * 24 * 60 * 60 * 1000;

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

/**
 * The CSRF token of a session is derived from its cookie, so GET /api/auth/me can hand it out again
 * while the database keeps only its hash (a leaked table gives neither sessions nor tokens).
 */
export function csrfTokenOf(sessionToken: string): string {
  return createHash('sha256').update(`kassa-csrf\0${sessionToken}`).digest('base64url');
}

/** Throws KASSA_RATE_LIMITED naming what is locked (never whether the username exists). */
function refuseIfLocked(locks: Map<string, Date>, checks: readonly (readonly [ThrottleScope, string])[], now: Date): void {
  for (const [scope, key] of checks) {
    const until = locks.get(key);
    if (until !== undefined) {
      throw new KassaError('KASSA_RATE_LIMITED', `Too many failed logins (${scope}); retry after ${until.toISOString()}.`, {
        scope,
        retryAfterMs: until.getTime() - now.getTime(),
      });
    }
  }
}

/** Logs in, under the lockout rules of domain/login-lockout.ts; a hash of an older, cheaper cost is made again. */
export async function login(ctx: ServiceContext, attempt: LoginAttempt): Promise<LoggedIn> {
  const now = ctx.now();
  const user = await findUserForLogin(ctx.db, attempt.username);
  const deviceHash = attempt.deviceToken === undefined ? null : sha256(attempt.deviceToken);
  const deviceUser = deviceHash === null ? null : await findLoginDevice(ctx.db, deviceHash, now);
  const knownDevice = deviceHash !== null && user !== null && deviceUser === user.id;
  const addressKey = throttleKey('address', attempt.address);
  // A known device is judged on its own record, not on the username's: see login-lockout.ts.
  const accountCheck: readonly [ThrottleScope, string] = knownDevice
    ? ['device', throttleKey('device', deviceHash)]
    : ['username', throttleKey('username', attempt.username)];
  const checks = [['address', addressKey], accountCheck] as const;
  refuseIfLocked(
    await lockedKeys(
      ctx.db,
      checks.map(([, key]) => key),
      now,
    ),
    checks,
    now,
  );

  const ok = await verifyPassword(attempt.password, user?.passwordHash ?? (await dummyHash(ctx.passwordCost)));
  if (user === null || !ok || !user.active) {
    await recordFailure(ctx.db, addressKey, ctx.loginLockout.address, now);
    await recordFailure(ctx.db, accountCheck[1], ctx.loginLockout[accountCheck[0]], now);
    throw new KassaError('KASSA_BAD_CREDENTIALS');
  }
  // Only the counter this attempt was judged on: a login from a known device leaves the username's
  // lock to the guesser who earned it.
  await clearThrottles(ctx.db, [accountCheck[1]]);
  if (needsRehash(user.passwordHash, ctx.passwordCost))
    await updateUser(ctx.db, user.id, { passwordHash: await hashPassword(attempt.password, ctx.passwordCost) });

  const sessionToken = randomToken();
  const csrfToken = csrfTokenOf(sessionToken);
  const deviceToken = knownDevice && attempt.deviceToken !== undefined ? attempt.deviceToken : randomToken();
  await deleteExpiredSessions(ctx.db, now);
  await deleteStaleThrottles(ctx.db, now);
  await createAuthSession(ctx.db, {
    idHash: sha256(sessionToken),
    userId: user.id,
    csrfTokenHash: sha256(csrfToken),
    expiresAt: new Date(now.getTime() + ctx.sessionTtlMs),
  });
  await saveLoginDevice(ctx.db, { tokenHash: sha256(deviceToken), userId: user.id, expiresAt: new Date(now.getTime() + DEVICE_TTL_MS), now });
  return {
    sessionToken,
    csrfToken,
    deviceToken,
    user: { id: user.id, username: user.username, role: user.role, active: user.active, hasPin: user.hasPin, posConfigIds: user.posConfigIds },
  };
}

/** An admin lifts a user's login lock (the username's and those of the user's known devices) at once. */
export async function unlockUser(ctx: ServiceContext, userId: number): Promise<void> {
  const user = await getUser(ctx.db, userId);
  if (user === null) throw notFound('User', userId);
  const devices = await listLoginDeviceHashes(ctx.db, userId);
  await clearThrottles(ctx.db, [throttleKey('username', user.username), ...devices.map((hash) => throttleKey('device', hash))]);
}

export async function logout(ctx: ServiceContext, sessionToken: string): Promise<void> {
  await deleteAuthSession(ctx.db, sha256(sessionToken));
}

/** The session of this cookie, with its CSRF token (derived again from the cookie). */
export async function resolveSession(ctx: ServiceContext, sessionToken: string): Promise<{ user: User; csrfToken: string; csrfTokenHash: string } | null> {
  const session = await findAuthSession(ctx.db, sha256(sessionToken), ctx.now());
  return session === null ? null : { ...session, csrfToken: csrfTokenOf(sessionToken) };
}

/** Compares the hash of the header's token with the stored hash, in constant time. */
export function checkCsrf({ expectedHash, received }: { expectedHash: string; received: string | undefined }): void {
  const expected = Buffer.from(expectedHash, 'hex');
  const actual = Buffer.from(sha256(received ?? ''), 'hex');
  if (received === undefined || expected.length !== actual.length || !timingSafeEqual(expected, actual)) throw new KassaError('KASSA_CSRF');
}
