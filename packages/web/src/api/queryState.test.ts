import { describe, expect, it } from 'vitest';
import type { QueryState } from './queryState.js';
import { allOf } from './queryState.js';

const read = <T>(data: T | undefined, error: unknown = null): QueryState<T> & { tries: number } => {
  const state = { data, error, tries: 0, refetch: () => (state.tries += 1) };
  return state;
};

describe('allOf', () => {
  it('has the data of every read once all are there, null included', () => {
    expect(allOf(read(1), read('two'), read(null)).data).toEqual([1, 'two', null]);
    expect(allOf(read(1), read<string>(undefined)).data).toBeUndefined();
  });

  it('has the first error and tries again only the reads that failed', () => {
    const fine = read(1);
    const failed = read<number>(undefined, new Error('down'));
    const combined = allOf(fine, failed);
    expect(combined.error).toEqual(new Error('down'));
    combined.refetch();
    expect([fine.tries, failed.tries]).toEqual([0, 1]);
    expect(allOf(fine).error).toBeNull();
  });
});
