import { describe, expect, it } from 'vitest';
import { parseCents } from '../money';
import { formatOrderFilters, parseOrderFilters, toListQuery } from './orderQuery';

describe('order filters in the address', () => {
  it('round-trips every filter, and leaves defaults out', () => {
    const filters = { status: 'open' as const, attention: true, text: '42', posConfigId: 3, sessionId: 9, offset: 50 };
    const search = formatOrderFilters(filters);
    expect(search).toBe('?status=open&attention=true&text=42&pos=3&session=9&offset=50');
    expect(parseOrderFilters(search.slice(1))).toEqual(filters);
    expect(formatOrderFilters(parseOrderFilters(''))).toBe('');
  });

  it('drops unknown or malformed values', () => {
    expect(parseOrderFilters('status=lost&pos=-1&offset=ten&session=1e3')).toEqual({
      status: null,
      attention: false,
      text: '',
      posConfigId: null,
      sessionId: null,
      offset: 0,
    });
  });

  it('searches an amount as the order total, and anything else as text', () => {
    const base = parseOrderFilters('');
    expect(toListQuery({ ...base, text: '6,30' }, parseCents)).toMatchObject({ amountCents: 630 });
    expect(toListQuery({ ...base, text: '6.30' }, parseCents)).toMatchObject({ amountCents: 630 });
    expect(toListQuery({ ...base, text: ' 1f3a ' }, parseCents)).toMatchObject({ text: '1f3a' });
    expect(toListQuery(base, parseCents)).toEqual({ limit: 50, offset: 0 });
  });
});
