import { describe, expect, it } from 'vitest';
import { changeFor, quickTenders } from './tender';

describe('quickTenders', () => {
  it('offers the exact amount and the next notes above it', () => {
    expect(quickTenders(630)).toEqual([630, 1000, 2000, 5000, 10_000]);
    expect(quickTenders(1270)).toEqual([1270, 1500, 2000, 5000, 10_000]);
  });

  it('never offers the exact amount twice, and offers the next note above a round sum', () => {
    expect(quickTenders(1000)).toEqual([1000, 1500, 2000, 5000, 10_000]);
    expect(quickTenders(500, 3)).toEqual([500, 1000, 2000]);
  });

  it('offers nothing when nothing is due', () => {
    expect(quickTenders(0)).toEqual([]);
    expect(quickTenders(-5)).toEqual([]);
  });
});

describe('changeFor', () => {
  it('is the excess over what is due, never negative', () => {
    expect(changeFor({ dueCents: 630, tenderedCents: 1000 })).toBe(370);
    expect(changeFor({ dueCents: 630, tenderedCents: 500 })).toBe(0);
    expect(changeFor({ dueCents: 0, tenderedCents: 500 })).toBe(500);
  });
});
