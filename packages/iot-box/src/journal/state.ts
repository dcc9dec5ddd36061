import type { TransactionKind } from '@kassa/contract';
import type { DeviceRecord, EventRecord, FinalEvent, JournalRecord, StartedRecord } from './records.js';

export type TransactionStatus = 'sent' | 'unknown' | 'settled';

/** A transaction as the journal remembers it. */
export interface TransactionEntry {
  readonly paymentUuid: string;
  readonly terminalId: string;
  readonly transactionId: string;
  readonly amountCents: number;
  readonly transactionKind: TransactionKind;
  /** The TransactionType byte sent, two hex digits; undefined when none was sent (a purchase by default). */
  readonly transactionType: string | undefined;
  readonly startedAt: string;
  status: TransactionStatus;
  unknownReason: string | undefined;
  final: FinalEvent | undefined;
}

/** What the journal's records add up to. Maps keep insertion order, which is journal order. */
export interface JournalState {
  boot: number;
  readonly events: Map<string, EventRecord>;
  readonly transactions: Map<string, TransactionEntry>;
  readonly commands: Set<number>;
  readonly devices: Map<string, DeviceRecord>;
}

/** How much history survives compaction, beyond everything still open or unacknowledged. */
export const KEEP_SETTLED_TRANSACTIONS = 10_000;
export const KEEP_COMMAND_IDS = 10_000;

export function emptyState(): JournalState {
  return { boot: 0, events: new Map(), transactions: new Map(), commands: new Set(), devices: new Map() };
}

/** Applies one record. Pure apart from mutating `state`; unknown references are ignored (they were compacted away). */
export function applyRecord(state: JournalState, record: JournalRecord): void {
  switch (record.k) {
    case 'boot':
      state.boot = Math.max(state.boot, record.boot);
      return;
    case 'event': {
      state.events.set(record.id, record);
      // A final event on disk settles its transaction by itself: a crash between it and the
      // txSettled record must not send the payment back to recovery (and report it twice).
      const event = record.event;
      if (event.kind === 'transactionResult' || event.kind === 'transactionNotRun') {
        const tx = state.transactions.get(event.paymentUuid);
        if (tx && tx.status !== 'settled') {
          tx.status = 'settled';
          tx.final = event;
        }
      }
      return;
    }
    case 'ack':
      for (const id of record.ids) state.events.delete(id);
      return;
    case 'command':
      state.commands.add(record.commandId);
      return;
    case 'txStarted':
      if (state.transactions.has(record.paymentUuid)) return;
      state.transactions.set(record.paymentUuid, {
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
      });
      return;
    case 'txUnknown': {
      const tx = state.transactions.get(record.paymentUuid);
      if (tx && tx.status !== 'settled') {
        tx.status = 'unknown';
        tx.unknownReason = record.reason;
      }
      return;
    }
    case 'txSettled': {
      const tx = state.transactions.get(record.paymentUuid);
      if (tx) {
        tx.status = 'settled';
        tx.final = record.final;
      }
      return;
    }
    case 'txReleased': {
      const tx = state.transactions.get(record.paymentUuid);
      if (tx && tx.status === 'unknown') {
        tx.status = 'settled';
        tx.final = undefined;
        tx.unknownReason = record.reason;
      }
      return;
    }
    case 'device':
      state.devices.set(record.terminalId, record);
      return;
  }
}

/**
 * What a snapshot will hold, taken in one quick pass so a running box can write it out slice by
 * slice while its state goes on changing: the settled history is kept by reference (a settled
 * transaction never changes again), whatever can still change is copied now.
 */
export interface SnapshotPlan {
  readonly boot: number;
  readonly devices: readonly DeviceRecord[];
  readonly transactions: readonly TransactionEntry[];
  readonly commands: readonly number[];
  readonly events: readonly EventRecord[];
}

export function planSnapshot(state: JournalState): SnapshotPlan {
  let settled = 0;
  for (const tx of state.transactions.values()) if (tx.status === 'settled') settled++;
  // The oldest settled transactions beyond the history kept are left out.
  let drop = Math.max(0, settled - KEEP_SETTLED_TRANSACTIONS);
  const transactions: TransactionEntry[] = [];
  for (const tx of state.transactions.values()) {
    if (tx.status !== 'settled') transactions.push({ ...tx });
    else if (drop > 0) drop--;
    else transactions.push(tx);
  }
  const commands = [...state.commands];
  return {
    boot: state.boot,
    devices: [...state.devices.values()],
    transactions,
    commands: commands.slice(Math.max(0, commands.length - KEEP_COMMAND_IDS)),
    events: [...state.events.values()],
  };
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

/** The records of a planned snapshot, made one by one as they are written. */
export function* snapshotRecords(plan: SnapshotPlan): Generator<JournalRecord> {
  yield { k: 'boot', boot: plan.boot, at: new Date().toISOString() };
  yield* plan.devices;
  for (const tx of plan.transactions) {
    yield startedRecord(tx);
    if (tx.status === 'unknown') yield { k: 'txUnknown', paymentUuid: tx.paymentUuid, reason: tx.unknownReason ?? 'unknown' };
    if (tx.status === 'settled' && tx.final) yield { k: 'txSettled', paymentUuid: tx.paymentUuid, final: tx.final };
    if (tx.status === 'settled' && !tx.final) {
      yield { k: 'txUnknown', paymentUuid: tx.paymentUuid, reason: 'released' };
      yield { k: 'txReleased', paymentUuid: tx.paymentUuid, reason: tx.unknownReason ?? 'settled by hand' };
    }
  }
  for (const commandId of plan.commands) yield { k: 'command', commandId };
  yield* plan.events;
}

/** The records a compacted journal starts with: the same state, without acknowledged events and old history. */
export function snapshot(state: JournalState): JournalRecord[] {
  return [...snapshotRecords(planSnapshot(state))];
}

/**
 * Forgets what `snapshot` leaves out (settled transactions and command ids beyond the history
 * kept), so a state kept live in memory stays as small as the compacted journal it mirrors.
 */
export function pruneHistory(state: JournalState): void {
  let settled = 0;
  for (const tx of state.transactions.values()) if (tx.status === 'settled') settled++;
  let excess = settled - KEEP_SETTLED_TRANSACTIONS;
  for (const [uuid, tx] of state.transactions) {
    if (excess <= 0) break;
    if (tx.status !== 'settled') continue;
    state.transactions.delete(uuid);
    excess--;
  }
  let commands = state.commands.size - KEEP_COMMAND_IDS;
  for (const commandId of state.commands) {
    if (commands-- <= 0) break;
    state.commands.delete(commandId);
  }
}
