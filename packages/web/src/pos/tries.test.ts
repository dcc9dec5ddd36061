import type { Order } from '@kassa/contract';
import { describe, expect, it } from 'vitest';
import { linesToShow } from './tries.js';

type Line = Order['payments'][number];
const line = (uuid: string, methodId: number, state: Line['state']): Line => ({
  uuid,
  methodId,
  amountCents: 100,
  state,
  tenderedCents: null,
  changeCents: null,
});

describe('linesToShow', () => {
  it('shows a retried line as the later try in its place, numbered', () => {
    const shown = linesToShow([line('a', 1, 'retry'), line('b', 1, 'retry'), line('c', 1, 'done')]);
    expect(shown.map((s) => [s.line.uuid, s.attempt])).toEqual([['c', 3]]);
  });

  it('keeps the newest declined line of a method, with its Retry, and lines of other methods apart', () => {
    const shown = linesToShow([line('a', 1, 'retry'), line('x', 2, 'done'), line('b', 1, 'retry')]);
    expect(shown.map((s) => [s.line.uuid, s.attempt])).toEqual([
      ['x', 1],
      ['b', 2],
    ]);
  });

  it('counts tries again after a line of the method that was not declined', () => {
    const shown = linesToShow([line('a', 1, 'retry'), line('b', 1, 'done'), line('c', 1, 'retry'), line('d', 1, 'waitingCard')]);
    expect(shown.map((s) => [s.line.uuid, s.attempt])).toEqual([
      ['b', 2],
      ['d', 2],
    ]);
  });
});
