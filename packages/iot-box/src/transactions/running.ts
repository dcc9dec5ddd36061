import type { TransactionEntry } from './transition.js';

/** A transaction not yet settled, and what only this process knows about it. */
export interface Running {
  /** The transaction as journaled: replaced by each transition. */
  tx: TransactionEntry;
  /** TransactionRequest has left (false while "started" is being synced). */
  requestSent: boolean;
  cancelRequested: boolean;
  recoveryAsked: boolean;
  /**
   * The terminal reports on this lost transaction again (it names it after a reconnect, or its
   * last-transaction answer names it without a result): it runs again. Only this process knows:
   * the journal keeps it unknown, so after a restart the terminal is asked about it again.
   */
  resumed: boolean;
  lastStage: number | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Answers for another transaction reported so far (a terminal repeating one is reported a few times only). */
  foreignAnswers: number;
}

export type LiveStatus = 'sent' | 'unknown';

/** Where the transaction stands for this process: a lost one the terminal reports on again runs. */
export function liveStatus(run: Running): LiveStatus {
  return run.tx.status === 'unknown' && !run.resumed ? 'unknown' : 'sent';
}

export function newRunning(tx: TransactionEntry, requestSent: boolean): Running {
  return { tx, requestSent, cancelRequested: false, recoveryAsked: false, resumed: false, lastStage: undefined, timer: undefined, foreignAnswers: 0 };
}
