import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  const options = { initialMs: 100, maxMs: 1000 };
  it('doubles from the initial delay and stops at the maximum', () => {
    const top = (attempt: number): number => backoffDelay(attempt, options, () => 1);
    expect([0, 1, 2, 3, 4, 10, 100].map(top)).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('spreads each delay over the upper half of its ceiling', () => {
    expect(backoffDelay(3, options, () => 0)).toBe(400);
    expect(backoffDelay(3, options, () => 0.5)).toBe(600);
  });
});
