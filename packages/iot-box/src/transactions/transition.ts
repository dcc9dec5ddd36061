import type { TransactionKind } from '@kassa/contract';
import type { EventRecord, FinalEvent, ReleasedRecord, ResumedRecord, SettledRecord, StartedRecord, UnknownRecord } from '../journal/records.js';

export type TransactionStatus = 'sent' | 'unknown' | 'settled';

/**
 * A transaction as the journal remembers it. Never changed in place: `transition` makes the next
 * one, so a snapshot may keep a reference while the box goes on.
 */
export interface TransactionEntry {
  readonly paymentUuid: string;
  readonly terminalId: string;
  readonly transactionId: string;
  readonly amountCents: number;
  readonly transactionKind: TransactionKind;
  /** The TransactionType byte sent, two hex digits; undefined when none was sent (a purchase by default). */
  readonly transactionType: string | undefined;
  readonly startedAt: string;
  readonly status: TransactionStatus;
  /** Why its answer was lost; only while `unknown`. */
  readonly unknownReason: string | undefined;
  /** The terminal's final word; undefined for a transaction released by hand. */
  readonly final: FinalEvent | undefined;
  /** Why it was settled by hand on the server; only for a released transaction. */
  readonly releaseReason: string | undefined;
}

/**
 * The journal records that change a transaction. A final event (`transactionResult`,
 * `transactionNotRun`) on disk settles its transaction by itself; the event's id and time are the
 * outbox's, not the transaction's business.
 */
export type TransactionRecord = StartedRecord | UnknownRecord | ResumedRecord | SettledRecord | ReleasedRecord | Pick<EventRecord, 'k' | 'event'>;

/** The final event an event record carries, if it is one. */
export function finalEventOf(record: Pick<EventRecord, 'event'>): FinalEvent | undefined {
  const event = record.event;
  return event.kind === 'transactionResult' || event.kind === 'transactionNotRun' ? event : undefined;
}

/**
 * The rules of one terminal transaction, as one pure function: the transaction a record makes of
 * `tx` (undefined: the box has none for that payment). It returns `tx` itself when the record
 * changes nothing; records about a transaction it does not have (compacted away) change nothing.
 * The live box and the replay of its journal both go through here, so they cannot disagree.
 */
export function transition(tx: TransactionEntry | undefined, record: StartedRecord): TransactionEntry;
export function transition(tx: TransactionEntry | undefined, record: TransactionRecord): TransactionEntry | undefined;
export function transition(tx: TransactionEntry | undefined, record: TransactionRecord): TransactionEntry | undefined {
  switch (record.k) {
    case 'txStarted':
      // A payment is started once; its UUID is its idempotency key.
      return tx ?? startedEntry(record);
    case 'txUnknown':
      if (!tx || tx.status === 'settled') return tx;
      return { ...tx, status: 'unknown', unknownReason: record.reason };
    case 'txResumed':
      // The terminal reports on a lost transaction again: it runs, and its answer is awaited again.
      if (!tx || tx.status !== 'unknown') return tx;
      return { ...tx, status: 'sent', unknownReason: undefined };
    case 'event': {
      // A crash between the final event and anything after it must not send the payment back to
      // recovery (and report it twice): the event on disk is enough.
      const final = finalEventOf(record);
      if (!final || !tx || tx.status === 'settled') return tx;
      return settledEntry(tx, final);
    }
    case 'txSettled':
      // Written by compaction for a settled transaction; it carries the outcome whatever came before.
      return tx ? settledEntry(tx, record.final) : tx;
    case 'txReleased':
      // Only a transaction whose answer is lost is released: one the terminal reports on ends by its own answer.
      if (!tx || tx.status !== 'unknown') return tx;
      return { ...tx, status: 'settled', unknownReason: undefined, final: undefined, releaseReason: record.reason };
  }
}

/**
 * Applies a record to the transactions by payment UUID. A changed transaction keeps its place in
 * the map (journal order of their starts).
 */
export function applyTransactionRecord(transactions: Map<string, TransactionEntry>, record: StartedRecord): TransactionEntry;
export function applyTransactionRecord(transactions: Map<string, TransactionEntry>, record: TransactionRecord): TransactionEntry | undefined;
export function applyTransactionRecord(transactions: Map<string, TransactionEntry>, record: TransactionRecord): TransactionEntry | undefined {
  const uuid = record.k === 'event' ? finalEventOf(record)?.paymentUuid : record.paymentUuid;
  if (uuid === undefined) return undefined;
  const before = transactions.get(uuid);
  const after = transition(before, record);
  if (after !== before && after !== undefined) transactions.set(uuid, after);
  return after;
}

function startedEntry(record: StartedRecord): TransactionEntry {
  return {
    paymentUuid: record.paymentUuid,
    terminalId: record.terminalId,
    transactionId: record.transactionId,
    amountCents: record.amountCents,
    transactionKind: record.transactionKind ?? 'purchase',
    transactionType: record.transactionType,
    startedAt: record.at,
    status: 'sent',
    unknownReason: undefined,
    final: undefined,
    releaseReason: undefined,
  };
}

function settledEntry(tx: TransactionEntry, final: FinalEvent): TransactionEntry {
  return { ...tx, status: 'settled', unknownReason: undefined, final, releaseReason: undefined };
}

/** The txStarted record of a transaction: a purchase's carries no kind, so older boxes read it too. */
export function startedRecord(tx: TransactionEntry): StartedRecord {
  return {
    k: 'txStarted',
    paymentUuid: tx.paymentUuid,
    terminalId: tx.terminalId,
    transactionId: tx.transactionId,
    amountCents: tx.amountCents,
    ...(tx.transactionKind === 'refund' ? { transactionKind: 'refund' as const } : {}),
    ...(tx.transactionType !== undefined ? { transactionType: tx.transactionType } : {}),
    at: tx.startedAt,
  };
}

/** The records that make `tx` again from nothing: what a snapshot writes for it. */
export function* recordsOf(tx: TransactionEntry): Generator<StartedRecord | UnknownRecord | SettledRecord | ReleasedRecord> {
  yield startedRecord(tx);
  if (tx.status === 'unknown') yield { k: 'txUnknown', paymentUuid: tx.paymentUuid, reason: tx.unknownReason ?? 'unknown' };
  if (tx.status !== 'settled') return;
  if (tx.final) {
    yield { k: 'txSettled', paymentUuid: tx.paymentUuid, final: tx.final };
    return;
  }
  // Released by hand: only a lost transaction is released, so it is lost first.
  yield { k: 'txUnknown', paymentUuid: tx.paymentUuid, reason: 'released' };
  yield { k: 'txReleased', paymentUuid: tx.paymentUuid, reason: tx.releaseReason ?? 'settled by hand' };
}
