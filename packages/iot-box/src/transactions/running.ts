import type { TransactionEntry } from './transition.js';

/** A transaction not yet settled, and what only this process knows about it. */
export interface Running {
  /** The transaction as journaled: replaced by each transition. */
  tx: TransactionEntry;
  /** TransactionRequest has left (false while "started" is being synced). */
  requestSent: boolean;
  cancelRequested: boolean;
  recoveryAsked: boolean;
  lastStage: number | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Answers for another transaction reported so far (a terminal repeating one is reported a few times only). */
  foreignAnswers: number;
}

export type LiveStatus = 'sent' | 'unknown';

/** Where a transaction not yet settled stands: running, or its answer lost. */
export function liveStatus(run: Running): LiveStatus {
  return run.tx.status === 'unknown' ? 'unknown' : 'sent';
}

export function newRunning(tx: TransactionEntry, requestSent: boolean): Running {
  return { tx, requestSent, cancelRequested: false, recoveryAsked: false, lastStage: undefined, timer: undefined, foreignAnswers: 0 };
}
