import { beforeEach, describe, expect, it } from 'vitest';
import { followedPos, followPos, mayChooseFollow } from './follow';

describe('what the live stream follows', () => {
  beforeEach(() => {
    const items = new Map<string, string>();
    const storage = {
      getItem: (key: string) => items.get(key) ?? null,
      setItem: (key: string, value: string) => void items.set(key, value),
      removeItem: (key: string) => void items.delete(key),
    };
    Object.defineProperty(globalThis, 'localStorage', { value: storage, configurable: true });
  });

  it('keeps one POS per user, and every till when none is chosen', () => {
    expect(followedPos(7)).toBeNull();
    followPos(7, 3);
    expect(followedPos(7)).toBe(3);
    expect(followedPos(8)).toBeNull();
    followPos(7, null);
    expect(followedPos(7)).toBeNull();
  });

  it('ignores a stored value that is not a POS id', () => {
    localStorage.setItem('kassa.follow.7', 'terrace');
    expect(followedPos(7)).toBeNull();
  });

  it('lets managers and admins choose, and cashiers not', () => {
    expect(['admin', 'manager', 'cashier'].map(mayChooseFollow)).toEqual([true, true, false]);
  });
});
