import { MAX_ACK_IDS, type ServerAck } from '@kassa/contract';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ACK_WINDOW_MS, AckWindow } from './ack-window.js';

describe('the acknowledgement window of a box link', () => {
  let sent: ServerAck[];
  let window: AckWindow;

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    window = new AckWindow((ack) => sent.push(ack));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('acknowledges the batches applied within one window in one message, in order', () => {
    window.add(['e1', 'e2']);
    vi.advanceTimersByTime(ACK_WINDOW_MS - 1);
    window.add(['e3']);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([{ type: 'ack', ids: ['e1', 'e2', 'e3'] }]);
    window.add(['e4']);
    vi.advanceTimersByTime(ACK_WINDOW_MS);
    expect(sent).toEqual([
      { type: 'ack', ids: ['e1', 'e2', 'e3'] },
      { type: 'ack', ids: ['e4'] },
    ]);
  });

  it('sends what it holds at once when flushed, and nothing more when the window ends', () => {
    window.add(['e1']);
    window.flush();
    expect(sent).toEqual([{ type: 'ack', ids: ['e1'] }]);
    vi.advanceTimersByTime(ACK_WINDOW_MS * 2);
    window.flush();
    window.add([]);
    vi.advanceTimersByTime(ACK_WINDOW_MS * 2);
    expect(sent).toHaveLength(1);
  });

  it('splits what exceeds the contract’s limit into several messages', () => {
    const ids = Array.from({ length: MAX_ACK_IDS + 5 }, (_, i) => `e${i}`);
    window.add(ids);
    vi.advanceTimersByTime(ACK_WINDOW_MS);
    expect(sent.map((ack) => ack.ids.length)).toEqual([MAX_ACK_IDS, 5]);
    expect(sent.flatMap((ack) => ack.ids)).toEqual(ids);
  });
});
