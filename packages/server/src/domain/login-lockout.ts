/**
 * How failed logins slow a guesser down. Three counters, each with its own policy:
 *
 * - per **username** (the name as typed, known or not): protects the account however many
 *   addresses the guesses come from;
 * - per client **address**: stops one address spraying passwords over many usernames;
 * - per **known device**: a browser that has logged in as this user before carries a device
 *   cookie; its attempts for that user count here instead of on the username, so an attacker who
 *   locks the username does not lock out the tills where the user works (OWASP's "device cookies").
 *
 * A counter allows `freeFailures` failures; each failure after that locks it for `baseLockMs`,
 * doubling with every further failure up to `maxLockMs`. While locked, attempts are refused before
 * the password is checked (so a lock also saves the scrypt work) and are not counted. A successful
 * login clears the counter it was judged on (the username's, or the known device's: a login from a
 * till does not lift the lock a guesser earned elsewhere), never the address's (a guesser could
 * otherwise reset it by logging into an account of their own). A counter is forgotten a day after
 * its last failure. An admin can unlock a user at once.
 */
export interface LockoutPolicy {
  readonly freeFailures: number;
  readonly baseLockMs: number;
  readonly maxLockMs: number;
}

export interface LoginLockout {
  readonly username: LockoutPolicy;
  readonly address: LockoutPolicy;
  readonly device: LockoutPolicy;
}

const MINUTE = 60_000;

export const DEFAULT_LOGIN_LOCKOUT: LoginLockout = {
  username: { freeFailures: 5, baseLockMs: MINUTE, maxLockMs: 60 * MINUTE },
  address: { freeFailures: 10, baseLockMs: MINUTE, maxLockMs: 60 * MINUTE },
  device: { freeFailures: 5, baseLockMs: MINUTE, maxLockMs: 60 * MINUTE },
};

/** A counter with no failure for this long starts again from zero. */
export const FORGET_FAILURES_AFTER_MS = 24 * 60 * MINUTE;

/** How long a counter is locked after its `failures`-th failure (0: not locked). */
export function lockDurationMs(failures: number, policy: LockoutPolicy): number {
  const over = failures - policy.freeFailures;
  if (over <= 0) return 0;
  // 2 ** 30 is already far past any sensible maximum; the cap keeps the number finite.
  return Math.min(policy.maxLockMs, policy.baseLockMs * 2 ** Math.min(over - 1, 30));
}

export type ThrottleScope = 'username' | 'address' | 'device';

export function throttleKey(scope: ThrottleScope, value: string): string {
  return `${scope}:${value}`;
}
