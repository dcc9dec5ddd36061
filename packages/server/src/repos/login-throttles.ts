import { sql } from 'kysely';
import type { LockoutPolicy } from '../domain/login-lockout.js';
import { FORGET_FAILURES_AFTER_MS, lockDurationMs } from '../domain/login-lockout.js';
import type { Executor } from './executor.js';

/** When each of these keys is locked until, for the keys locked at `now`. */
export async function lockedKeys(db: Executor, keys: readonly string[], now: Date): Promise<Map<string, Date>> {
  if (keys.length === 0) return new Map();
  const rows = await db.selectFrom('login_throttles').select(['key', 'locked_until']).where('key', 'in', keys).where('locked_until', '>', now).execute();
  return new Map(rows.flatMap((r) => (r.locked_until === null ? [] : [[r.key, r.locked_until] as const])));
}

/**
 * Counts one failure of `key` (from zero when its last failure is older than a day) and locks it as
 * the policy says, in one statement so that processes sharing the database count together.
 */
export async function recordFailure(db: Executor, key: string, policy: LockoutPolicy, now: Date): Promise<void> {
  const forgotten = sql<boolean>`login_throttles.last_failure_at < ${new Date(now.getTime() - FORGET_FAILURES_AFTER_MS)}`;
  const row = await db
    .insertInto('login_throttles')
    .values({ key, failures: 1, locked_until: null, last_failure_at: now })
    .onConflict((c) =>
      c.column('key').doUpdateSet({
        failures: sql<number>`case when ${forgotten} then 1 else login_throttles.failures + 1 end`,
        last_failure_at: now,
      }),
    )
    .returning(['failures'])
    .executeTakeFirstOrThrow();
  const lockMs = lockDurationMs(Number(row.failures), policy);
  if (lockMs > 0)
    await db
      .updateTable('login_throttles')
      .set({ locked_until: new Date(now.getTime() + lockMs) })
      .where('key', '=', key)
      .execute();
}

export async function clearThrottles(db: Executor, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await db.deleteFrom('login_throttles').where('key', 'in', keys).execute();
}

export async function deleteStaleThrottles(db: Executor, now: Date): Promise<void> {
  const before = new Date(now.getTime() - FORGET_FAILURES_AFTER_MS);
  await db
    .deleteFrom('login_throttles')
    .where('last_failure_at', '<', before)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .execute();
}

/** The user a device token was given to, while it lives. */
export async function findLoginDevice(db: Executor, tokenHash: string, now: Date): Promise<number | null> {
  const row = await db.selectFrom('login_devices').select(['user_id']).where('token_hash', '=', tokenHash).where('expires_at', '>', now).executeTakeFirst();
  return row?.user_id ?? null;
}

export async function saveLoginDevice(db: Executor, device: { tokenHash: string; userId: number; expiresAt: Date; now: Date }): Promise<void> {
  await db
    .insertInto('login_devices')
    .values({ token_hash: device.tokenHash, user_id: device.userId, expires_at: device.expiresAt })
    .onConflict((c) => c.column('token_hash').doUpdateSet({ expires_at: device.expiresAt }))
    .execute();
  await db.deleteFrom('login_devices').where('expires_at', '<=', device.now).execute();
}

export async function listLoginDeviceHashes(db: Executor, userId: number): Promise<string[]> {
  return (await db.selectFrom('login_devices').select(['token_hash']).where('user_id', '=', userId).execute()).map((r) => r.token_hash);
}

/** When each username is locked until, for the usernames locked at `now`. */
export async function lockedUsernames(db: Executor, now: Date): Promise<Map<string, Date>> {
  const rows = await db
    .selectFrom('login_throttles')
    .select(['key', 'locked_until'])
    .where('key', 'like', 'username:%')
    .where('locked_until', '>', now)
    .execute();
  return new Map(rows.flatMap((r) => (r.locked_until === null ? [] : [[r.key.slice('username:'.length), r.locked_until] as const])));
}
