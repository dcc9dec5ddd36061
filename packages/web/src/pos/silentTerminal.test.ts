import type { PaymentDetail, PaymentState } from '@kassa/contract';
import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../test-support/payments.js';
import { detail as paymentDetail, entry as historyEntry } from '../test-support/payments.js';
import { ASK_PATIENCE_MS, askAnswer, DEFAULT_SILENT_TERMINAL_SECONDS, lastNewsAt, silence, silentTerminalMs } from './silentTerminal.js';

const T0 = Date.parse('2026-01-01T10:00:00.000Z');
const iso = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
type Entry = HistoryEntry;
const entry = (seconds: number, event: string, toState: PaymentState, extra: Partial<Entry> = {}): Entry => historyEntry(iso(seconds), event, toState, extra);
const detail = (state: PaymentState, history: Entry[]): PaymentDetail => paymentDetail(state, history, iso(0));
const running = detail('waitingCard', [
  entry(0, 'requested', 'pending', { source: 'user' }),
  entry(1, 'accepted', 'waiting'),
  entry(3, 'stage', 'waitingCard'),
  entry(50, 'recover', 'waitingCard', { source: 'user', userId: 2 }),
]);

describe('silentTerminalMs', () => {
  it('reads whole seconds from 10 to 3600, and keeps the default otherwise', () => {
    expect(silentTerminalMs('90')).toBe(90_000);
    expect(silentTerminalMs(undefined)).toBe(DEFAULT_SILENT_TERMINAL_SECONDS * 1000);
    for (const bad of ['5', '3601', 'soon', '1.5', '']) expect(silentTerminalMs(bad)).toBe(60_000);
  });
});

describe('silence', () => {
  it('counts from the last news from the terminal, not from what the cashier did', () => {
    expect(lastNewsAt(running)).toBe(T0 + 3000);
    expect(silence({ detail: running, nowMs: T0 + 62_000, noticedAtMs: null, limitMs: 60_000 })).toBeNull();
    expect(silence({ detail: running, nowMs: T0 + 63_000, noticedAtMs: null, limitMs: 60_000 })).toBe(60_000);
  });

  it('counts from when this screen saw news arrive, when that is later', () => {
    expect(silence({ detail: running, nowMs: T0 + 70_000, noticedAtMs: T0 + 20_000, limitMs: 60_000 })).toBeNull();
  });

  it('says nothing about a payment that is not running on the terminal', () => {
    for (const state of ['pending', 'waitingCancel', 'unknown', 'done', 'retry'] as const) {
      expect(silence({ detail: detail(state, []), nowMs: T0 + 600_000, noticedAtMs: null, limitMs: 60_000 })).toBeNull();
    }
  });
});

describe('askAnswer', () => {
  it('waits for the box, then says nothing came, apart when not even the box took the ask', () => {
    expect(askAnswer({ detail: running, askedAtMs: 1000, nowMs: 1000 + ASK_PATIENCE_MS })).toEqual({ kind: 'waiting' });
    expect(askAnswer({ detail: running, askedAtMs: 1000, nowMs: 1001 + ASK_PATIENCE_MS })).toEqual({
      kind: 'noAnswer',
      boxHeard: false,
      seconds: ASK_PATIENCE_MS / 1000,
    });
  });

  it('says the terminal did not answer when the box took the answer as lost and asked, with nothing after', () => {
    const lost = detail('unknown', [...running.history, entry(51, 'lost', 'unknown')]);
    expect(askAnswer({ detail: lost, askedAtMs: 0, nowMs: 1 })).toEqual({ kind: 'waiting' });
    expect(askAnswer({ detail: lost, askedAtMs: 0, nowMs: ASK_PATIENCE_MS + 1 })).toMatchObject({ kind: 'noAnswer', boxHeard: true });
  });

  it('says the terminal answered when the payment moved on after the ask, to anything but unknown', () => {
    const settled = detail('retry', [...running.history, entry(51, 'lost', 'unknown'), entry(52, 'notRun', 'retry', { fromState: 'unknown' })]);
    expect(askAnswer({ detail: settled, askedAtMs: 0, nowMs: ASK_PATIENCE_MS * 2 })).toEqual({ kind: 'answered' });
    // An event the server did not believe is no answer.
    const distrusted = detail('unknown', [...running.history, entry(51, 'lost', 'unknown'), entry(52, 'untrusted', 'unknown')]);
    expect(askAnswer({ detail: distrusted, askedAtMs: 0, nowMs: 1 })).toEqual({ kind: 'waiting' });
  });

  it('gives the box’s refusal that came after the ask, not an older one, and knows an offline terminal by its code', () => {
    const older = detail('waitingCard', [entry(4, 'recoverRefused', 'waitingCard', { message: 'old' }), ...running.history]);
    expect(askAnswer({ detail: older, askedAtMs: 0, nowMs: 1 })).toEqual({ kind: 'waiting' });
    const refused = detail('unknown', [
      ...running.history,
      entry(51, 'recoverRefused', 'unknown', {
        message: 'TERMINAL_OFFLINE: terminal 1 is offline',
        data: { commandKind: 'recoverTransaction', code: 'TERMINAL_OFFLINE' },
      }),
    ]);
    expect(askAnswer({ detail: refused, askedAtMs: 0, nowMs: 1 })).toEqual({
      kind: 'refused',
      offline: true,
      message: 'TERMINAL_OFFLINE: terminal 1 is offline',
    });
    const busy = detail('unknown', [...running.history, entry(51, 'recoverRefused', 'unknown', { message: 'PAYMENT_MISMATCH: runs elsewhere' })]);
    expect(askAnswer({ detail: busy, askedAtMs: 0, nowMs: 1 })).toMatchObject({ kind: 'refused', offline: false });
  });
});
