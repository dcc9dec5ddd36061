import { describe, expect, it } from 'vitest';
import { Random } from './random.js';
import { seededUuid } from './uuid.js';

describe('Random', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const a = new Random(5);
    const b = new Random(5);
    const c = new Random(6);
    const draw = (r: Random) => Array.from({ length: 20 }, () => r.int(0, 1000));
    const first = draw(a);
    expect(draw(b)).toEqual(first);
    expect(draw(c)).not.toEqual(first);
  });

  it('keeps integers within their bounds', () => {
    const random = new Random(1);
    for (let i = 0; i < 10_000; i++) {
      const value = random.int(3, 7);
      expect(value >= 3 && value <= 7 && Number.isInteger(value)).toBe(true);
    }
  });

  it('makes version-4 UUIDs that replay with the seed', () => {
    const uuid = seededUuid(new Random(9));
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(seededUuid(new Random(9))).toBe(uuid);
  });
});
