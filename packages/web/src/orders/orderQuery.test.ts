import { describe, expect, it } from 'vitest';
import { parseCents } from '../money';
import { formatOrderFilters, parseOrderFilters, toListQuery } from './orderQuery';

describe('order filters in the address', () => {
  it('round-trips every filter, and leaves defaults out', () => {
    const filters = {
      status: 'open' as const,
      attention: true,
      text: '42',
      posConfigId: 3,
      sessionId: 9,
      from: '2026-03-01T08:00',
      to: '2026-03-01T18:30',
      offset: 50,
    };
    const search = formatOrderFilters(filters);
    expect(search).toBe('?status=open&attention=true&text=42&pos=3&session=9&from=2026-03-01T08%3A00&to=2026-03-01T18%3A30&offset=50');
    expect(parseOrderFilters(search.slice(1))).toEqual(filters);
    expect(formatOrderFilters(parseOrderFilters(''))).toBe('');
  });

  it('drops unknown or malformed values', () => {
    expect(parseOrderFilters('status=lost&pos=-1&offset=ten&session=1e3&from=yesterday&to=2026-13-45T99:99')).toEqual({
      status: null,
      attention: false,
      text: '',
      posConfigId: null,
      sessionId: null,
      from: null,
      to: null,
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

  it('sends from and to as the instants the local date and time stand for', () => {
    const query = toListQuery({ ...parseOrderFilters(''), from: '2026-03-01T08:00', to: '2026-03-02T00:00' }, parseCents);
    expect(query.from).toBe(new Date(2026, 2, 1, 8, 0).toISOString());
    expect(query.to).toBe(new Date(2026, 2, 2, 0, 0).toISOString());
  });
});
