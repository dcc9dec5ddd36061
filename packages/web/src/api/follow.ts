import { useEffect, useState } from 'react';

/**
 * What a manager's or admin's live stream follows: every till, one shop or one POS, kept per user
 * in this browser so a cashier signing in after them never inherits the choice. A cashier's stream
 * follows their own till and never chooses.
 *
 * The choice is one string, as the select holds it and the stream's query is made of it: '' (every
 * till), `pos:3`, or `shop:Brussels – Rue Neuve` (a bare number, as stored before shops, is a POS).
 */
export type Followed = { readonly kind: 'pos'; readonly posId: number } | { readonly kind: 'shop'; readonly shop: string } | null;

const KEY_PREFIX = 'kassa.follow.';
const listeners = new Set<() => void>();

export function mayChooseFollow(role: string): boolean {
  return role === 'admin' || role === 'manager';
}

export function parseFollow(value: string | null): Followed {
  if (value === null) return null;
  const pos = /^(?:pos:)?([1-9][0-9]{0,9})$/.exec(value);
  if (pos !== null) return { kind: 'pos', posId: Number(pos[1]) };
  const shop = value.startsWith('shop:') ? value.slice(5).trim() : '';
  return shop === '' ? null : { kind: 'shop', shop };
}

export function followValue(followed: Followed): string {
  if (followed === null) return '';
  return followed.kind === 'pos' ? `pos:${followed.posId}` : `shop:${followed.shop}`;
}

/** The stream's query for a choice: `posId=3`, `shop=…`, or nothing. */
export function followQuery(followed: Followed, query: URLSearchParams): void {
  if (followed?.kind === 'pos') query.set('posId', String(followed.posId));
  if (followed?.kind === 'shop') query.set('shop', followed.shop);
}

export function followedBy(userId: number): Followed {
  return parseFollow(localStorage.getItem(`${KEY_PREFIX}${userId}`));
}

export function follow(userId: number, followed: Followed): void {
  if (followed === null) localStorage.removeItem(`${KEY_PREFIX}${userId}`);
  else localStorage.setItem(`${KEY_PREFIX}${userId}`, followValue(followed));
  listeners.forEach((listener) => listener());
}

/** What the user's stream follows, as its value ('' for every till, and always for a cashier). */
export function useFollowed(user: { id: number; role: string }): string {
  const choose = mayChooseFollow(user.role);
  const read = () => (choose ? followValue(followedBy(user.id)) : '');
  const [value, setValue] = useState(read);
  useEffect(() => {
    const update = () => setValue(read());
    update();
    listeners.add(update);
    return () => {
      listeners.delete(update);
    };
  }, [user.id, choose]);
  return value;
}
