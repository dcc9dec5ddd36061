import { useEffect, useState } from 'react';

/**
 * What a manager's or admin's live stream follows: every till (null) or one POS, kept per user in
 * this browser so a cashier signing in after them never inherits the choice. A cashier's stream
 * follows their own till and this is always null for them.
 */
const KEY_PREFIX = 'kassa.follow.';
const listeners = new Set<() => void>();

export function mayChooseFollow(role: string): boolean {
  return role === 'admin' || role === 'manager';
}

export function followedPos(userId: number): number | null {
  const stored = localStorage.getItem(`${KEY_PREFIX}${userId}`);
  return stored !== null && /^[1-9][0-9]{0,9}$/.test(stored) ? Number(stored) : null;
}

export function followPos(userId: number, posId: number | null): void {
  if (posId === null) localStorage.removeItem(`${KEY_PREFIX}${userId}`);
  else localStorage.setItem(`${KEY_PREFIX}${userId}`, String(posId));
  listeners.forEach((listener) => listener());
}

/** The POS the user's stream follows, or null for every till (always null for a cashier). */
export function useFollowedPos(user: { id: number; role: string }): number | null {
  const choose = mayChooseFollow(user.role);
  const [posId, setPosId] = useState(() => (choose ? followedPos(user.id) : null));
  useEffect(() => {
    const update = () => setPosId(choose ? followedPos(user.id) : null);
    update();
    listeners.add(update);
    return () => {
      listeners.delete(update);
    };
  }, [user.id, choose]);
  return posId;
}
