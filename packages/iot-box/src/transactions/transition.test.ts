import { describe, expect, it } from 'vitest';
import type { FinalEvent, StartedRecord } from '../journal/records.js';
import { applyTransactionRecord, recordsOf, transition, type TransactionEntry, type TransactionRecord } from './transition.js';

const uuid = '0b7e8f52-3d5c-4a8e-9f00-6a2d1c9b7e41';
const started: StartedRecord = { k: 'txStarted', paymentUuid: uuid, terminalId: 'T1', transactionId: '42', amountCents: 1200, at: '2026-11-25T10:00:00.000Z' };
const result: FinalEvent = {
  kind: 'transactionResult',
  paymentUuid: uuid,
  terminalId: 'T1',
  transactionId: '42',
  result: 'Approved',
  resultId: 0,
  amountCents: 1200,
  authorisationCode: null,
  cardBrand: null,
  tickets: [],
  recovered: false,
};
const notRun: FinalEvent = { kind: 'transactionNotRun', paymentUuid: uuid, terminalId: 'T1', reason: 'the terminal ran another one' };
const lost: TransactionRecord = { k: 'txUnknown', paymentUuid: uuid, reason: 'no answer' };
const released: TransactionRecord = { k: 'txReleased', paymentUuid: uuid, reason: 'forced by the cashier' };
const resumed: TransactionRecord = { k: 'txResumed', paymentUuid: uuid };

function run(...records: TransactionRecord[]): TransactionEntry | undefined {
  return records.reduce<TransactionEntry | undefined>((tx, record) => transition(tx, record), undefined);
}

describe('transition', () => {
  describe('txStarted', () => {
    it('starts a sent purchase with what the record says', () => {
      expect(run(started)).toEqual({
        paymentUuid: uuid,
        terminalId: 'T1',
        transactionId: '42',
        amountCents: 1200,
        transactionKind: 'purchase',
        transactionType: undefined,
        startedAt: '2026-11-25T10:00:00.000Z',
        status: 'sent',
        unknownReason: undefined,
        final: undefined,
        releaseReason: undefined,
      });
    });

    it('starts a refund with its transaction type', () => {
      expect(run({ ...started, transactionKind: 'refund', transactionType: '20' })).toMatchObject({
        transactionKind: 'refund',
        transactionType: '20',
        status: 'sent',
      });
    });

    it('changes nothing for a payment already started', () => {
      const tx = run(started, lost);
      expect(transition(tx, { ...started, amountCents: 5 })).toBe(tx);
    });
  });

  describe('txUnknown', () => {
    it('makes a sent transaction unknown, with its reason', () => {
      expect(run(started, lost)).toMatchObject({ status: 'unknown', unknownReason: 'no answer' });
    });

    it('keeps the latest reason of a transaction lost again', () => {
      expect(run(started, lost, { k: 'txUnknown', paymentUuid: uuid, reason: 'the box restarted' })).toMatchObject({
        status: 'unknown',
        unknownReason: 'the box restarted',
      });
    });

    it('changes nothing once settled', () => {
      const tx = run(started, { k: 'event', event: result });
      expect(transition(tx, lost)).toBe(tx);
    });
  });

  describe('txResumed', () => {
    it('makes an unknown transaction sent again and forgets why it was lost', () => {
      expect(run(started, lost, resumed)).toEqual({ ...run(started), status: 'sent', unknownReason: undefined });
    });

    it('changes nothing for a transaction that is running or settled', () => {
      const sent = run(started);
      expect(transition(sent, resumed)).toBe(sent);
      const settled = run(started, lost, { k: 'event', event: notRun });
      expect(transition(settled, resumed)).toBe(settled);
    });

    it('lets the transaction be lost again, and released only then', () => {
      expect(run(started, lost, resumed, released)).toMatchObject({ status: 'sent' });
      expect(run(started, lost, resumed, { k: 'txUnknown', paymentUuid: uuid, reason: 'silent again' }, released)).toMatchObject({
        status: 'settled',
        releaseReason: 'forced by the cashier',
      });
    });
  });

  describe('a final event', () => {
    it('settles a sent transaction with the result', () => {
      expect(run(started, { k: 'event', event: result })).toMatchObject({ status: 'settled', final: result });
    });

    it('settles an unknown transaction with a not-run and forgets why it was lost', () => {
      expect(run(started, lost, { k: 'event', event: notRun })).toMatchObject({ status: 'settled', final: notRun, unknownReason: undefined });
    });

    it('keeps the first outcome of a transaction already settled', () => {
      const tx = run(started, { k: 'event', event: result });
      expect(transition(tx, { k: 'event', event: notRun })).toBe(tx);
    });

    it('changes nothing for an event that is not final', () => {
      const tx = run(started);
      expect(
        transition(tx, { k: 'event', event: { kind: 'transactionStage', paymentUuid: uuid, terminalId: 'T1', stage: 'WaitingForCard', stageId: 1 } }),
      ).toBe(tx);
    });
  });

  describe('txSettled', () => {
    it('settles with the outcome it carries, whatever came before', () => {
      expect(run(started, lost, { k: 'txSettled', paymentUuid: uuid, final: result })).toMatchObject({ status: 'settled', final: result });
      expect(run(started, { k: 'event', event: notRun }, { k: 'txSettled', paymentUuid: uuid, final: result })).toMatchObject({
        status: 'settled',
        final: result,
      });
    });
  });

  describe('txReleased', () => {
    it('settles an unknown transaction without a final event and keeps the reason', () => {
      expect(run(started, lost, released)).toMatchObject({
        status: 'settled',
        final: undefined,
        unknownReason: undefined,
        releaseReason: 'forced by the cashier',
      });
    });

    it('releases nothing the terminal is still reporting on', () => {
      const tx = run(started);
      expect(transition(tx, released)).toBe(tx);
    });

    it('releases nothing already settled', () => {
      const tx = run(started, lost, { k: 'event', event: result });
      expect(transition(tx, released)).toBe(tx);
    });
  });

  it('ignores every record about a payment it does not have (compacted away)', () => {
    for (const record of [lost, resumed, released, { k: 'event', event: result } as const, { k: 'txSettled', paymentUuid: uuid, final: result } as const]) {
      expect(transition(undefined, record)).toBeUndefined();
    }
  });

  it('never changes the transaction it is given', () => {
    const tx = run(started);
    const copy = structuredClone(tx);
    transition(tx, lost);
    transition(tx, { k: 'event', event: result });
    expect(tx).toEqual(copy);
  });
});

describe('applyTransactionRecord', () => {
  it('keeps each transaction in the place of its start', () => {
    const other = '00000000-0000-4000-8000-000000000001';
    const transactions = new Map<string, TransactionEntry>();
    applyTransactionRecord(transactions, started);
    applyTransactionRecord(transactions, { ...started, paymentUuid: other });
    applyTransactionRecord(transactions, lost);
    expect([...transactions.keys()]).toEqual([uuid, other]);
    expect(transactions.get(uuid)?.status).toBe('unknown');
  });
});

describe('recordsOf', () => {
  it.each([
    ['sent', [started]],
    ['unknown', [started, lost]],
    ['resumed', [started, lost, resumed]],
    ['settled by the terminal', [started, lost, { k: 'event', event: result }]],
    ['released by hand', [started, lost, released]],
  ] as [string, TransactionRecord[]][])('makes a %s transaction again from nothing', (_, records) => {
    const tx = run(...records);
    if (!tx) throw new Error('the records made no transaction');
    expect(run(...recordsOf(tx))).toEqual(tx);
  });
});
