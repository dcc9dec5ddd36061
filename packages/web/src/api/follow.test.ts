import { beforeEach, describe, expect, it } from 'vitest';
import { follow, followedBy, followQuery, followValue, mayChooseFollow, parseFollow } from './follow';

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

  it('keeps one POS or one shop per user, and every till when none is chosen', () => {
    expect(followedBy(7)).toBeNull();
    follow(7, { kind: 'pos', posId: 3 });
    expect(followedBy(7)).toEqual({ kind: 'pos', posId: 3 });
    expect(followedBy(8)).toBeNull();
    follow(7, { kind: 'shop', shop: 'Brussels – Rue Neuve' });
    expect(followedBy(7)).toEqual({ kind: 'shop', shop: 'Brussels – Rue Neuve' });
    follow(7, null);
    expect(followedBy(7)).toBeNull();
  });

  it('reads a POS id stored before shops, and ignores what is neither', () => {
    localStorage.setItem('kassa.follow.7', '4');
    expect(followedBy(7)).toEqual({ kind: 'pos', posId: 4 });
    for (const bad of ['terrace', 'shop:  ', 'pos:0']) expect(parseFollow(bad)).toBeNull();
  });

  it('makes the stream’s query of the choice, and the select’s value round-trips', () => {
    for (const [choice, query] of [
      [{ kind: 'pos', posId: 3 }, 'posId=3'],
      [{ kind: 'shop', shop: 'Gent' }, 'shop=Gent'],
      [null, ''],
    ] as const) {
      const params = new URLSearchParams();
      followQuery(choice, params);
      expect(params.toString()).toBe(query);
      expect(parseFollow(followValue(choice) === '' ? null : followValue(choice))).toEqual(choice);
    }
  });

  it('lets managers and admins choose, and cashiers not', () => {
    expect(['admin', 'manager', 'cashier'].map(mayChooseFollow)).toEqual([true, true, false]);
  });
});
