import { applyTransactionRecord, recordsOf, type TransactionEntry } from '../transactions/transition.js';
import type { DeviceRecord, EventRecord, JournalRecord } from './records.js';

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
    case 'event':
      state.events.set(record.id, record);
      applyTransactionRecord(state.transactions, record);
      return;
    case 'ack':
      for (const id of record.ids) state.events.delete(id);
      return;
    case 'command':
      state.commands.add(record.commandId);
      return;
    case 'txStarted':
    case 'txUnknown':
    case 'txResumed':
    case 'txSettled':
    case 'txReleased':
      applyTransactionRecord(state.transactions, record);
      return;
    case 'device':
      state.devices.set(record.terminalId, record);
      return;
  }
}

/**
 * The settled transactions beyond the history kept, oldest first (`settled` of them are settled):
 * what a snapshot leaves out, and what memory forgets.
 */
export function settledBeyondHistory(transactions: ReadonlyMap<string, TransactionEntry>, settled: number): string[] {
  const beyond: string[] = [];
  let excess = settled - KEEP_SETTLED_TRANSACTIONS;
  for (const [uuid, tx] of transactions) {
    if (excess <= 0) break;
    if (tx.status !== 'settled') continue;
    beyond.push(uuid);
    excess--;
  }
  return beyond;
}

/**
 * Forgets the settled transactions beyond the history kept, as a compacted journal leaves them
 * out; `settled` is how many the map holds. Returns how many it holds after.
 */
export function dropSettledBeyondHistory(transactions: Map<string, TransactionEntry>, settled: number): number {
  for (const uuid of settledBeyondHistory(transactions, settled)) {
    transactions.delete(uuid);
    settled--;
  }
  return settled;
}

export function countSettled(transactions: ReadonlyMap<string, TransactionEntry>): number {
  let settled = 0;
  for (const tx of transactions.values()) if (tx.status === 'settled') settled++;
  return settled;
}

/**
 * What a snapshot will hold, taken in one quick pass so a running box can write it out slice by
 * slice while its state goes on changing: transactions are kept by reference (a transition makes
 * a new entry, it never changes one), the rest is copied now.
 */
export interface SnapshotPlan {
  readonly boot: number;
  readonly devices: readonly DeviceRecord[];
  readonly transactions: readonly TransactionEntry[];
  readonly commands: readonly number[];
  readonly events: readonly EventRecord[];
}

export function planSnapshot(state: JournalState): SnapshotPlan {
  const leftOut = new Set(settledBeyondHistory(state.transactions, countSettled(state.transactions)));
  const transactions: TransactionEntry[] = [];
  for (const [uuid, tx] of state.transactions) if (!leftOut.has(uuid)) transactions.push(tx);
  const commands = [...state.commands];
  return {
    boot: state.boot,
    devices: [...state.devices.values()],
    transactions,
    commands: commands.slice(Math.max(0, commands.length - KEEP_COMMAND_IDS)),
    events: [...state.events.values()],
  };
}

/** The records of a planned snapshot, made one by one as they are written. */
export function* snapshotRecords(plan: SnapshotPlan): Generator<JournalRecord> {
  yield { k: 'boot', boot: plan.boot, at: new Date().toISOString() };
  yield* plan.devices;
  for (const tx of plan.transactions) yield* recordsOf(tx);
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
  dropSettledBeyondHistory(state.transactions, countSettled(state.transactions));
  let commands = state.commands.size - KEEP_COMMAND_IDS;
  for (const commandId of state.commands) {
    if (commands-- <= 0) break;
    state.commands.delete(commandId);
  }
}
