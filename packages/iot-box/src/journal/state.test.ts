import { describe, expect, it } from 'vitest';
import type { JournalRecord } from './records.js';
import { applyRecord, emptyState, snapshot } from './state.js';

const uuid = '0b7e8f52-3d5c-4a8e-9f00-6a2d1c9b7e41';
const started: JournalRecord = { k: 'txStarted', paymentUuid: uuid, terminalId: 'T1', transactionId: '42', amountCents: 1200, at: '2026-11-25T10:00:00.000Z' };

function replay(records: readonly JournalRecord[]) {
  const state = emptyState();
  for (const record of records) applyRecord(state, record);
  return state;
}

describe('a transaction released after a settlement by hand', () => {
  it('is no longer waiting for its answer', () => {
    const state = replay([started, { k: 'txUnknown', paymentUuid: uuid, reason: 'no answer' }, { k: 'txReleased', paymentUuid: uuid, reason: 'forced by the cashier' }]);
    expect(state.transactions.get(uuid)).toMatchObject({ status: 'settled', final: undefined });
  });

  it('stays released through a compaction', () => {
    const state = replay([started, { k: 'txUnknown', paymentUuid: uuid, reason: 'no answer' }, { k: 'txReleased', paymentUuid: uuid, reason: 'forced by the cashier' }]);
    expect(replay(snapshot(state)).transactions.get(uuid)).toMatchObject({ status: 'settled', final: undefined });
  });

  it('releases nothing that the terminal is still reporting on', () => {
    const state = replay([started, { k: 'txReleased', paymentUuid: uuid, reason: 'forced by the cashier' }]);
    expect(state.transactions.get(uuid)?.status).toBe('sent');
  });
});
