import { type Body, type TypedMessage } from '@kassa/protocol';
import { DEFAULT_TRANSACTION_TYPE, transactionIdFromUuid, type BoxCommand, type BoxCommandOf, type RefusalCode } from '@kassa/contract';
import type { JournalWriter } from '../journal/journal.js';
import type { FinalEvent, ReleasedRecord, ResumedRecord, StartedRecord, UnknownRecord } from '../journal/records.js';
import { countSettled, dropSettledBeyondHistory, KEEP_SETTLED_TRANSACTIONS, type JournalState } from '../journal/state.js';
import type { Logger } from '../logger.js';
import type { Outbox } from '../outbox.js';
import type { DeviceRegistry } from '../registry.js';
import { cancelRequest, lastTransactionRequest, transactionRequest } from '../terminal/messages.js';
import { foreignAnswer, messageEvent, messageText, refusalEvent, resultEvent, stageEvent } from './mapping.js';
import { liveStatus, newRunning, type Running } from './running.js';
import { applyTransactionRecord, type TransactionEntry, type TransactionRecord } from './transition.js';

type StartCommand = BoxCommandOf<'startTransaction'>;

/** Answers for another transaction reported per transaction; further ones are only logged. */
export const MAX_FOREIGN_ANSWERS_REPORTED = 10;

export interface TransactionManagerOptions {
  /** No frame about a running transaction for this long: its answer is treated as lost. */
  readonly transactionTimeoutMs: number;
}

/** A transaction shown on /status. */
export interface TransactionView {
  readonly paymentUuid: string;
  readonly transactionId: string;
  readonly amountCents: number;
  readonly status: 'sent' | 'unknown';
  readonly stage: string | null;
  readonly startedAt: string;
}

/**
 * One transaction per terminal, from command to final result. Every change of state is journaled
 * before anything depends on it; nothing is settled without the terminal's own answer.
 */
export class TransactionManager {
  /** Every transaction the box remembers, open or settled, by payment UUID (the journal's reducer keeps it). */
  private readonly transactions: Map<string, TransactionEntry>;
  /** The transactions not yet settled, by payment UUID. */
  private readonly running = new Map<string, Running>();
  /** The transaction each terminal's answers are about, by TerminalId. */
  private readonly active = new Map<string, Running>();
  private settledCount: number;

  constructor(
    state: JournalState,
    private readonly journal: JournalWriter,
    private readonly outbox: Outbox,
    private readonly registry: DeviceRegistry,
    private readonly log: Logger,
    private readonly options: TransactionManagerOptions,
  ) {
    this.transactions = state.transactions;
    this.settledCount = countSettled(this.transactions);
    for (const tx of this.transactions.values()) {
      if (tx.status === 'settled') continue;
      const run = this.track(tx, true);
      if (!this.registry.get(tx.terminalId)) {
        this.registry.remember({ terminalId: tx.terminalId, model: 'unknown', serialNumber: null, address: null, lastSeen: Date.now() });
      }
      if (tx.status === 'sent') this.markUnknown(run, 'the box restarted during the transaction');
      else this.showState(run);
    }
  }

  handle(command: BoxCommand): void {
    switch (command.kind) {
      case 'startTransaction':
        this.start(command);
        return;
      case 'cancelTransaction':
        this.cancel(command);
        return;
      case 'recoverTransaction':
        this.recover(command);
        return;
      case 'releaseTransaction':
        this.release(command);
        return;
    }
  }

  /** The terminal's session said Hello: a transaction whose answer was lost is asked about now. */
  terminalReady(terminalId: string): void {
    const run = this.active.get(terminalId);
    if (run && liveStatus(run) === 'unknown') this.askTerminal(run);
  }

  /** The terminal's connection is gone (closed, replaced, silent): a transaction in flight has lost its answer. */
  terminalLost(terminalId: string, reason: string): void {
    const run = this.active.get(terminalId);
    if (!run) return;
    if (liveStatus(run) === 'sent' && run.requestSent) this.markUnknown(run, reason);
    run.recoveryAsked = false;
  }

  terminalMessage(terminalId: string, message: TypedMessage): void {
    const run = this.active.get(terminalId);
    if (!run) {
      this.log.debug({ terminalId, type: message.type }, 'message without a transaction in flight ignored');
      return;
    }
    const body = message.body;
    switch (message.type) {
      case 'TransactionResponse':
        this.progress(run, body);
        return;
      case 'InformationReport':
        this.information(run, body);
        return;
      case 'CancelResponse':
        this.cancelAnswered(run, body);
        return;
      case 'LastTransactionResponse':
        this.lastTransaction(run, body);
        return;
      default:
        this.log.debug({ terminalId, type: message.type }, 'message ignored');
    }
  }

  viewOf(terminalId: string): TransactionView | null {
    const run = this.active.get(terminalId);
    if (!run) return null;
    const { tx, lastStage } = run;
    return {
      paymentUuid: tx.paymentUuid,
      transactionId: tx.transactionId,
      amountCents: tx.amountCents,
      status: liveStatus(run),
      stage: lastStage === undefined ? null : stageEvent(tx, lastStage).stage,
      startedAt: tx.startedAt,
    };
  }

  /** Stops every timer (the box is stopping). Transactions stay as journaled. */
  stop(): void {
    for (const run of this.running.values()) {
      clearTimeout(run.timer);
      run.timer = undefined;
    }
  }

  private start(command: StartCommand): void {
    const { paymentUuid, terminalId, amountCents } = command;
    const transactionKind = command.transactionKind ?? 'purchase';
    const existing = this.transactions.get(paymentUuid);
    if (existing) {
      if (existing.terminalId !== terminalId || existing.amountCents !== amountCents || existing.transactionKind !== transactionKind) {
        this.refuse(
          command,
          'PAYMENT_MISMATCH',
          `payment ${paymentUuid} was started on ${existing.terminalId} as a ${existing.transactionKind} of ${existing.amountCents} cents`,
        );
        return;
      }
      this.repeatState(existing);
      return;
    }
    const device = this.registry.get(terminalId);
    if (!device) return this.refuse(command, 'TERMINAL_UNKNOWN', `terminal ${terminalId} has never connected to this box`);
    if (!device.session) return this.refuse(command, 'TERMINAL_OFFLINE', `terminal ${terminalId} is offline`);
    const busy = this.active.get(terminalId);
    if (busy) {
      const why = liveStatus(busy) === 'unknown' ? 'the outcome of its last payment is still being checked' : 'it is running another payment';
      return this.refuse(command, 'TERMINAL_BUSY', `terminal ${terminalId} is busy: ${why}`);
    }
    // A purchase sends a TransactionType only when told to; a refund always does (PROTOCOL.md, "Refunds").
    const transactionType = command.transactionType?.toUpperCase() ?? (transactionKind === 'refund' ? DEFAULT_TRANSACTION_TYPE.refund : undefined);
    const record: StartedRecord = {
      k: 'txStarted',
      paymentUuid,
      terminalId,
      transactionId: transactionIdFromUuid(paymentUuid).toString(),
      amountCents,
      ...(transactionKind === 'refund' ? { transactionKind } : {}),
      ...(transactionType !== undefined ? { transactionType } : {}),
      at: new Date().toISOString(),
    };
    const run = this.track(applyTransactionRecord(this.transactions, record), false);
    this.showState(run);
    this.journal.append(record).then(
      () => this.sendRequest(run),
      (error: Error) => {
        this.log.error({ paymentUuid, terminalId, reason: error.message }, 'transaction not started: the journal failed');
        this.forget(run);
      },
    );
  }

  private sendRequest(run: Running): void {
    const { tx } = run;
    const session = this.registry.get(tx.terminalId)?.session;
    if (!session) {
      // Journaled but never sent: the terminal cannot have run it.
      this.settle(run, {
        kind: 'transactionNotRun',
        paymentUuid: tx.paymentUuid,
        terminalId: tx.terminalId,
        reason: 'the terminal went offline before the request was sent',
      });
      return;
    }
    session.send(transactionRequest(BigInt(tx.transactionId), tx.amountCents, tx.transactionType));
    run.requestSent = true;
    this.armTimer(run);
    this.log.debug(
      {
        paymentUuid: tx.paymentUuid,
        terminalId: tx.terminalId,
        transactionId: tx.transactionId,
        amountCents: tx.amountCents,
        transactionKind: tx.transactionKind,
      },
      'transaction sent',
    );
    this.outbox.emit({
      kind: 'transactionSent',
      paymentUuid: tx.paymentUuid,
      terminalId: tx.terminalId,
      transactionId: tx.transactionId,
      amountCents: tx.amountCents,
    });
  }

  private cancel(command: Extract<BoxCommand, { kind: 'cancelTransaction' }>): void {
    const tx = this.lookup(command);
    if (!tx) return;
    const run = this.running.get(tx.paymentUuid);
    if (!run) return this.repeatState(tx);
    // An unknown payment may still be running on the terminal (it stopped answering): asking it to
    // stop is harmless, and its final answer, matched by TransactionId, settles the payment.
    const session = this.registry.get(tx.terminalId)?.session;
    if (!session) return this.refuse(command, 'TERMINAL_OFFLINE', `terminal ${tx.terminalId} is offline`);
    run.cancelRequested = true;
    session.send(cancelRequest());
    this.log.info({ paymentUuid: tx.paymentUuid, terminalId: tx.terminalId }, 'cancel sent');
  }

  private recover(command: Extract<BoxCommand, { kind: 'recoverTransaction' }>): void {
    const tx = this.lookup(command);
    if (!tx) return;
    const run = this.running.get(tx.paymentUuid);
    if (run && liveStatus(run) === 'sent' && run.requestSent) return this.askRunning(command, run);
    if (!run || liveStatus(run) !== 'unknown') return this.repeatState(tx);
    if (!this.registry.get(tx.terminalId)?.session)
      return this.refuse(command, 'TERMINAL_OFFLINE', `terminal ${tx.terminalId} is offline; it is asked as soon as it connects`);
    this.askTerminal(run);
  }

  /**
   * The cashier asks about a running transaction the terminal has gone quiet on: what the
   * transaction timeout would do, now. Its answer is taken as lost (`unknown`) and the terminal is
   * asked for its last transaction; a terminal still running it ends it with its own answer. An
   * offline terminal cannot be asked: that is the answer.
   */
  private askRunning(command: Extract<BoxCommand, { kind: 'recoverTransaction' }>, run: Running): void {
    if (!this.registry.get(run.tx.terminalId)?.session)
      return this.refuse(command, 'TERMINAL_OFFLINE', `terminal ${run.tx.terminalId} is offline: it cannot be asked now`);
    this.markUnknown(run, 'the cashier asked the terminal after it went quiet');
    this.askTerminal(run);
  }

  /**
   * The payment was settled by hand while its answer was lost: stop waiting, so the terminal takes
   * payments again. A transaction the terminal is still reporting on is not released: its own
   * answer will end it.
   */
  private release(command: Extract<BoxCommand, { kind: 'releaseTransaction' }>): void {
    const tx = this.lookup(command);
    if (!tx) return;
    const run = this.running.get(tx.paymentUuid);
    if (!run || liveStatus(run) !== 'unknown') return;
    const record: ReleasedRecord = { k: 'txReleased', paymentUuid: tx.paymentUuid, reason: command.reason };
    this.journal.write(record);
    this.apply(run, record);
    this.log.info({ paymentUuid: tx.paymentUuid, terminalId: tx.terminalId }, 'transaction released: settled by hand on the server');
  }

  private lookup(command: Exclude<BoxCommand, StartCommand>): TransactionEntry | undefined {
    const tx = this.transactions.get(command.paymentUuid);
    if (!tx) {
      this.refuse(command, 'NO_SUCH_TRANSACTION', `this box has no transaction for payment ${command.paymentUuid}`);
      return undefined;
    }
    if (tx.terminalId !== command.terminalId) {
      this.refuse(command, 'PAYMENT_MISMATCH', `payment ${command.paymentUuid} runs on terminal ${tx.terminalId}`);
      return undefined;
    }
    return tx;
  }

  /** A repeated command gets the state of the first, never a second TransactionRequest. */
  private repeatState(tx: TransactionEntry): void {
    const ref = { paymentUuid: tx.paymentUuid, terminalId: tx.terminalId };
    const run = this.running.get(tx.paymentUuid);
    if (!run) {
      if (tx.final) this.outbox.emit(tx.final);
    } else if (liveStatus(run) === 'unknown') {
      this.outbox.emit({
        kind: 'transactionUnknown',
        ...ref,
        reason: (tx.unknownReason ?? 'the answer was lost').slice(0, 500),
        transactionId: tx.transactionId,
      });
    } else if (run.requestSent) {
      this.outbox.emit({ kind: 'transactionSent', ...ref, transactionId: tx.transactionId, amountCents: tx.amountCents });
    }
  }

  private progress(run: Running, body: Body): void {
    const foreign = foreignAnswer(run.tx, body);
    if (foreign !== undefined) {
      // Not this transaction's answer: kept as evidence (journaled before it is sent), never taken
      // as its result; the transaction waits for its own answer (or its timeout, then recovery).
      this.log.warn(
        { paymentUuid: run.tx.paymentUuid, terminalId: run.tx.terminalId, transactionId: run.tx.transactionId, reason: foreign },
        'answer for another transaction ignored',
      );
      if (run.foreignAnswers++ < MAX_FOREIGN_ANSWERS_REPORTED) this.outbox.emitDurable(messageEvent(run.tx, foreign));
      return;
    }
    // After a reconnect the terminal may go on with the payment: an answer that names it is live again.
    let resumed = false;
    if (liveStatus(run) === 'unknown') {
      if (body.transactionId === undefined) return;
      this.resume(run);
      resumed = true;
    }
    if (!run.requestSent) return;
    this.armTimer(run);
    if (body.transactionStage !== undefined) {
      run.lastStage = body.transactionStage;
      // The stage that takes a lost payment out of `unknown` on the server leaves only once its
      // resumption is on disk: a box that crashes meanwhile reports it unknown again at its start.
      if (resumed) this.outbox.emitDurable(stageEvent(run.tx, body.transactionStage));
      else this.outbox.emit(stageEvent(run.tx, body.transactionStage));
    }
    const text = messageText(body);
    if (text !== undefined) this.outbox.emit(messageEvent(run.tx, text));
    if (body.transactionResult !== undefined) this.settle(run, resultEvent(run.tx, { ...body, transactionResult: body.transactionResult }, false));
  }

  /** Terminals repeat the stage of their TransactionResponse in an InformationReport: only its text is news. */
  private information(run: Running, body: Body): void {
    if (liveStatus(run) !== 'sent' || !run.requestSent) return;
    this.armTimer(run);
    const text = messageText(body);
    if (text !== undefined) this.outbox.emit(messageEvent(run.tx, text));
  }

  private cancelAnswered(run: Running, body: Body): void {
    if (!run.cancelRequested) return;
    run.cancelRequested = false;
    const resultCode = body.resultCode ?? 0;
    const { tx } = run;
    this.outbox.emit({
      kind: 'cancelAnswer',
      paymentUuid: tx.paymentUuid,
      terminalId: tx.terminalId,
      accepted: resultCode === 0,
      resultCode,
      transactionId: tx.transactionId,
    });
  }

  private lastTransaction(run: Running, body: Body): void {
    if (liveStatus(run) !== 'unknown' || !run.recoveryAsked) return;
    run.recoveryAsked = false;
    const { tx } = run;
    if (body.transactionId === undefined) {
      this.log.warn({ paymentUuid: tx.paymentUuid, terminalId: tx.terminalId }, 'last transaction answer names no transaction; still unknown');
      return;
    }
    const id = body.transactionId.toString();
    if (id !== tx.transactionId) {
      this.settle(run, {
        kind: 'transactionNotRun',
        paymentUuid: tx.paymentUuid,
        terminalId: tx.terminalId,
        reason: `the terminal's last transaction is ${id}, not ${tx.transactionId}`,
        transactionId: tx.transactionId,
      });
      return;
    }
    if (body.transactionResult === undefined) {
      // The terminal names this very transaction but has no result yet: it is still running it.
      this.resume(run);
      this.armTimer(run);
      if (body.transactionStage !== undefined) {
        run.lastStage = body.transactionStage;
        this.outbox.emitDurable(stageEvent(tx, body.transactionStage));
      }
      return;
    }
    this.settle(run, resultEvent(tx, { ...body, transactionResult: body.transactionResult }, true));
  }

  private askTerminal(run: Running): void {
    const session = this.registry.get(run.tx.terminalId)?.session;
    if (!session || this.running.get(run.tx.paymentUuid) !== run) return;
    run.recoveryAsked = true;
    session.send(lastTransactionRequest(BigInt(run.tx.transactionId)));
    this.log.info({ paymentUuid: run.tx.paymentUuid, terminalId: run.tx.terminalId }, 'asked the terminal for its last transaction');
  }

  /**
   * The terminal reports on this lost transaction again: it runs again. Journaled like every other
   * change, so a box that restarts finds it running (and reports it unknown at once) rather than
   * still unknown from before, which the server may have left on the terminal's next stage.
   */
  private resume(run: Running): void {
    const { paymentUuid, terminalId } = run.tx;
    const record: ResumedRecord = { k: 'txResumed', paymentUuid };
    this.journal.write(record);
    this.apply(run, record);
    this.log.info({ paymentUuid, terminalId }, 'transaction resumed: the terminal reports on it again');
  }

  private markUnknown(run: Running, reason: string): void {
    clearTimeout(run.timer);
    run.timer = undefined;
    const { paymentUuid, terminalId, transactionId } = run.tx;
    const record: UnknownRecord = { k: 'txUnknown', paymentUuid, reason };
    this.journal.write(record);
    this.apply(run, record);
    this.outbox.emitDurable({ kind: 'transactionUnknown', paymentUuid, terminalId, reason: reason.slice(0, 500), transactionId });
    this.log.warn({ paymentUuid, terminalId, reason }, 'transaction outcome unknown');
  }

  private settle(run: Running, final: FinalEvent): void {
    const { tx } = run;
    // The final event on disk settles the transaction by itself (the outbox journals it); compaction
    // keeps the outcome as a txSettled record once the event is acknowledged, so it is not written twice.
    this.apply(run, { k: 'event', event: final });
    this.outbox.emitDurable(final);
    // The one info line per transaction: what ran, on which terminal, and how it ended.
    this.log.info(
      {
        paymentUuid: tx.paymentUuid,
        terminalId: tx.terminalId,
        transactionId: tx.transactionId,
        amountCents: tx.amountCents,
        outcome: final.kind === 'transactionResult' ? final.result : 'NotRun',
        recovered: final.kind === 'transactionResult' ? final.recovered : false,
      },
      'transaction settled',
    );
  }

  /**
   * The one way a running transaction changes: the journal's own reducer applied to the record
   * journaled for it. A record that settles it ends it here.
   */
  private apply(run: Running, record: TransactionRecord): void {
    const tx = applyTransactionRecord(this.transactions, record);
    if (!tx) return;
    run.tx = tx;
    if (tx.status !== 'settled') {
      this.showState(run);
      return;
    }
    this.end(run);
    this.settledCount++;
    this.trimSettled();
  }

  /** Memory holds as much settled history as a compacted journal does. */
  private trimSettled(): void {
    if (this.settledCount <= KEEP_SETTLED_TRANSACTIONS) return;
    this.settledCount = dropSettledBeyondHistory(this.transactions, this.settledCount);
  }

  /** Starts following a transaction not yet settled. */
  private track(tx: TransactionEntry, requestSent: boolean): Running {
    const run = newRunning(tx, requestSent);
    this.running.set(tx.paymentUuid, run);
    this.active.set(tx.terminalId, run);
    return run;
  }

  /** Stops following a transaction (settled, or never started): its terminal is free. */
  private end(run: Running): void {
    clearTimeout(run.timer);
    run.timer = undefined;
    this.running.delete(run.tx.paymentUuid);
    if (this.active.get(run.tx.terminalId) === run) this.active.delete(run.tx.terminalId);
    this.registry.setState(run.tx.terminalId, 'idle');
  }

  /** Its "started" record never reached the disk: the box forgets it ever began. */
  private forget(run: Running): void {
    this.end(run);
    this.transactions.delete(run.tx.paymentUuid);
  }

  /** The terminal's state on /status follows its transaction's. */
  private showState(run: Running): void {
    this.registry.setState(run.tx.terminalId, liveStatus(run) === 'unknown' ? 'unknown' : 'inTransaction');
  }

  private armTimer(run: Running): void {
    // Every frame of a running transaction re-arms its timer: refreshing the one timer is cheaper
    // than a new one per frame.
    if (run.timer) {
      run.timer.refresh();
      return;
    }
    run.timer = setTimeout(() => {
      run.timer = undefined;
      if (this.running.get(run.tx.paymentUuid) !== run || liveStatus(run) !== 'sent') return;
      this.markUnknown(run, `no answer from the terminal for ${Math.round(this.options.transactionTimeoutMs / 1000)} s`);
      this.askTerminal(run);
    }, this.options.transactionTimeoutMs);
    run.timer.unref();
  }

  private refuse(command: BoxCommand, code: RefusalCode, message: string): void {
    this.log.info({ paymentUuid: command.paymentUuid, terminalId: command.terminalId, code }, 'command refused');
    this.outbox.emit(refusalEvent(command, code, message));
  }
}
