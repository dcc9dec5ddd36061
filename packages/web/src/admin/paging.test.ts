import { describe, expect, it } from 'vitest';
import { pageView } from './paging.js';

describe('pageView', () => {
  it('shows the first page of a longer list with a next page only', () => {
    expect(pageView({ offset: 0, limit: 50, shown: 50, total: 120 })).toEqual({ from: 1, to: 50, total: 120, previous: null, next: 50 });
  });

  it('shows a middle page with both neighbours', () => {
    expect(pageView({ offset: 50, limit: 50, shown: 50, total: 120 })).toEqual({ from: 51, to: 100, total: 120, previous: 0, next: 100 });
  });

  it('shows the last, shorter page with a previous page only', () => {
    expect(pageView({ offset: 100, limit: 50, shown: 20, total: 120 })).toEqual({ from: 101, to: 120, total: 120, previous: 50, next: null });
  });

  it('shows an empty list with no neighbours', () => {
    expect(pageView({ offset: 0, limit: 50, shown: 0, total: 0 })).toEqual({ from: 0, to: 0, total: 0, previous: null, next: null });
  });

  it('never points before the start after the list shrank', () => {
    expect(pageView({ offset: 30, limit: 50, shown: 10, total: 40 }).previous).toBe(0);
  });
});
