import { describe, expect, it } from 'vitest';
import type { JournalRecord } from './records.js';
import { replay } from './replay.js';
import { countSettled, KEEP_SETTLED_TRANSACTIONS, pruneHistory, settledBeyondHistory, snapshot } from './state.js';

const uuid = '0b7e8f52-3d5c-4a8e-9f00-6a2d1c9b7e41';
const started: JournalRecord = { k: 'txStarted', paymentUuid: uuid, terminalId: 'T1', transactionId: '42', amountCents: 1200, at: '2026-11-25T10:00:00.000Z' };

describe('a transaction released after a settlement by hand', () => {
  it('is no longer waiting for its answer', () => {
    const state = replay([
      started,
      { k: 'txUnknown', paymentUuid: uuid, reason: 'no answer' },
      { k: 'txReleased', paymentUuid: uuid, reason: 'forced by the cashier' },
    ]);
    expect(state.transactions.get(uuid)).toMatchObject({ status: 'settled', final: undefined });
  });

  it('stays released through a compaction', () => {
    const state = replay([
      started,
      { k: 'txUnknown', paymentUuid: uuid, reason: 'no answer' },
      { k: 'txReleased', paymentUuid: uuid, reason: 'forced by the cashier' },
    ]);
    expect(replay(snapshot(state)).transactions.get(uuid)).toMatchObject({ status: 'settled', final: undefined });
  });

  it('releases nothing that the terminal is still reporting on', () => {
    const state = replay([started, { k: 'txReleased', paymentUuid: uuid, reason: 'forced by the cashier' }]);
    expect(state.transactions.get(uuid)?.status).toBe('sent');
  });
});

describe('a lost transaction the terminal reported on again', () => {
  const lost: JournalRecord = { k: 'txUnknown', paymentUuid: uuid, reason: 'the terminal connection closed' };

  it('replays as running, and stays so through a compaction', () => {
    const state = replay([started, lost, { k: 'txResumed', paymentUuid: uuid }]);
    expect(state.transactions.get(uuid)).toMatchObject({ status: 'sent', unknownReason: undefined });
    expect(replay(snapshot(state)).transactions.get(uuid)).toEqual(state.transactions.get(uuid));
  });

  it('replays as unknown from a journal written before the resumption was journaled', () => {
    expect(replay([started, lost]).transactions.get(uuid)).toMatchObject({ status: 'unknown', unknownReason: 'the terminal connection closed' });
  });
});

describe('a transaction settled by its final event alone', () => {
  const final = { kind: 'transactionNotRun', paymentUuid: uuid, terminalId: 'T1', reason: 'another transaction' } as const;
  const settledByEvent: JournalRecord[] = [started, { k: 'event', id: '1:7', at: '2026-11-25T10:00:01.000Z', event: final }, { k: 'ack', ids: ['1:7'] }];

  it('keeps its outcome after the event is acknowledged', () => {
    const state = replay(settledByEvent);
    expect(state.events.size).toBe(0);
    expect(state.transactions.get(uuid)).toMatchObject({ status: 'settled', final });
  });

  it('keeps its outcome through a compaction, as a settled record', () => {
    const records = snapshot(replay(settledByEvent));
    expect(records).toContainEqual({ k: 'txSettled', paymentUuid: uuid, final });
    expect(replay(records).transactions.get(uuid)).toMatchObject({ status: 'settled', final });
  });
});

describe('pruneHistory', () => {
  it('forgets what a snapshot leaves out, and nothing else', () => {
    const records: JournalRecord[] = [];
    for (let i = 0; i < KEEP_SETTLED_TRANSACTIONS + 5; i++) {
      const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      records.push(
        { ...started, paymentUuid: id },
        { k: 'txSettled', paymentUuid: id, final: { kind: 'transactionNotRun', paymentUuid: id, terminalId: 'T1', reason: 'x' } },
      );
    }
    records.push(started);
    const state = replay(records);
    const before = snapshot(state).filter((r) => r.k !== 'boot');
    pruneHistory(state);
    expect(state.transactions.size).toBe(KEEP_SETTLED_TRANSACTIONS + 1);
    expect(state.transactions.get(uuid)?.status).toBe('sent');
    expect(snapshot(state).filter((r) => r.k !== 'boot')).toEqual(before);
  });
});

describe('settledBeyondHistory', () => {
  it('names the oldest settled transactions beyond the history kept, never an open one', () => {
    const records: JournalRecord[] = [started];
    const ids: string[] = [];
    for (let i = 0; i < KEEP_SETTLED_TRANSACTIONS + 2; i++) {
      const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      ids.push(id);
      records.push({ ...started, paymentUuid: id }, { k: 'txUnknown', paymentUuid: id, reason: 'lost' });
      // Released by hand or settled by the terminal: both are history.
      records.push(
        i % 2 === 0
          ? { k: 'txReleased', paymentUuid: id, reason: 'forced' }
          : { k: 'txSettled', paymentUuid: id, final: { kind: 'transactionNotRun', paymentUuid: id, terminalId: 'T1', reason: 'x' } },
      );
    }
    const state = replay(records);
    expect(countSettled(state.transactions)).toBe(KEEP_SETTLED_TRANSACTIONS + 2);
    expect(settledBeyondHistory(state.transactions, countSettled(state.transactions))).toEqual(ids.slice(0, 2));
  });
});
