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
/** Which line Retry made in the place of which. */
const retries = (links: Record<string, string>) => (uuid: string) => links[uuid] ?? null;

describe('linesToShow', () => {
  it('shows a retried line as the later try in its place, numbered', () => {
    const shown = linesToShow([line('a', 1, 'retry'), line('b', 1, 'retry'), line('c', 1, 'done')], retries({ b: 'a', c: 'b' }));
    expect(shown.map((s) => [s.line.uuid, s.attempt])).toEqual([['c', 3]]);
  });

  it('keeps a declined line beside a later payment with the same method that was not its Retry', () => {
    const shown = linesToShow([line('a', 1, 'retry'), line('x', 2, 'done'), line('b', 1, 'done')], retries({}));
    expect(shown.map((s) => [s.line.uuid, s.attempt])).toEqual([
      ['a', 1],
      ['x', 1],
      ['b', 1],
    ]);
  });

  it('folds only the Retry of the declined line, and counts tries again for a separate payment', () => {
    const shown = linesToShow([line('a', 1, 'retry'), line('b', 1, 'done'), line('c', 1, 'retry'), line('d', 1, 'waitingCard')], retries({ b: 'a', d: 'c' }));
    expect(shown.map((s) => [s.line.uuid, s.attempt])).toEqual([
      ['b', 2],
      ['d', 2],
    ]);
  });
});
