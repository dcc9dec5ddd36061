import { transactionIdFromUuid, type Body, type TypedMessage } from '@kassa/protocol';
import { DEFAULT_TRANSACTION_TYPE, type BoxCommand, type RefusalCode } from '@kassa/contract';
import type { Journal } from '../journal/journal.js';
import type { FinalEvent } from '../journal/records.js';
import { KEEP_SETTLED_TRANSACTIONS, startedRecord, type JournalState, type TransactionEntry } from '../journal/state.js';
import type { Logger } from '../logger.js';
import type { Outbox } from '../outbox.js';
import type { DeviceRegistry } from '../registry.js';
import { cancelRequest, lastTransactionRequest, transactionRequest } from '../terminal/messages.js';
import { foreignAnswer, messageEvent, messageText, refusalEvent, resultEvent, stageEvent } from './mapping.js';

type StartCommand = Extract<BoxCommand, { kind: 'startTransaction' }>;

/** What only this process knows about a running transaction. */
interface Runtime {
  /** TransactionRequest has left (false while "started" is being synced). */
  requestSent: boolean;
  cancelRequested: boolean;
  recoveryAsked: boolean;
  lastStage: number | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Answers for another transaction reported so far (a terminal repeating one is reported a few times only). */
  foreignAnswers: number;
}

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
  private readonly all: Map<string, TransactionEntry>;
  private readonly active = new Map<string, TransactionEntry>();
  private readonly runtime = new Map<string, Runtime>();
  private settledCount = 0;

  constructor(
    state: JournalState,
    private readonly journal: Journal,
    private readonly outbox: Outbox,
    private readonly registry: DeviceRegistry,
    private readonly log: Logger,
    private readonly options: TransactionManagerOptions,
  ) {
    this.all = state.transactions;
    for (const entry of this.all.values()) {
      if (entry.status === 'settled') {
        this.settledCount++;
        continue;
      }
      this.active.set(entry.terminalId, entry);
      this.runtime.set(entry.paymentUuid, { requestSent: true, cancelRequested: false, recoveryAsked: false, lastStage: undefined, timer: undefined, foreignAnswers: 0 });
      if (!this.registry.get(entry.terminalId)) {
        this.registry.remember({ terminalId: entry.terminalId, model: 'unknown', serialNumber: null, address: null, lastSeen: Date.now() });
      }
      if (entry.status === 'sent') this.markUnknown(entry, 'the box restarted during the transaction');
      else this.registry.setState(entry.terminalId, 'unknown');
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
    const entry = this.active.get(terminalId);
    if (entry?.status === 'unknown') this.askTerminal(entry);
  }

  /** The terminal's connection is gone (closed, replaced, silent): a transaction in flight has lost its answer. */
  terminalLost(terminalId: string, reason: string): void {
    const entry = this.active.get(terminalId);
    if (!entry) return;
    const rt = this.runtime.get(entry.paymentUuid);
    if (entry.status === 'sent' && rt?.requestSent) this.markUnknown(entry, reason);
    if (rt) rt.recoveryAsked = false;
  }

  terminalMessage(terminalId: string, message: TypedMessage): void {
    const entry = this.active.get(terminalId);
    if (!entry) {
      this.log.debug({ terminalId, type: message.type }, 'message without a transaction in flight ignored');
      return;
    }
    const body = message.body;
    switch (message.type) {
      case 'TransactionResponse':
        this.progress(entry, body);
        return;
      case 'InformationReport':
        this.information(entry, body);
        return;
      case 'CancelResponse':
        this.cancelAnswered(entry, body);
        return;
      case 'LastTransactionResponse':
        this.lastTransaction(entry, body);
        return;
      default:
        this.log.debug({ terminalId, type: message.type }, 'message ignored');
    }
  }

  viewOf(terminalId: string): TransactionView | null {
    const entry = this.active.get(terminalId);
    if (!entry || entry.status === 'settled') return null;
    const stage = this.runtime.get(entry.paymentUuid)?.lastStage;
    return {
      paymentUuid: entry.paymentUuid,
      transactionId: entry.transactionId,
      amountCents: entry.amountCents,
      status: entry.status,
      stage: stage === undefined ? null : stageEvent(entry, stage).stage,
      startedAt: entry.startedAt,
    };
  }

  /** Stops every timer (the box is stopping). Transactions stay as journaled. */
  stop(): void {
    for (const rt of this.runtime.values()) {
      clearTimeout(rt.timer);
      rt.timer = undefined;
    }
  }

  private start(command: StartCommand): void {
    const { paymentUuid, terminalId, amountCents } = command;
    const transactionKind = command.transactionKind ?? 'purchase';
    const existing = this.all.get(paymentUuid);
    if (existing) {
      if (existing.terminalId !== terminalId || existing.amountCents !== amountCents || existing.transactionKind !== transactionKind) {
        this.refuse(command, 'PAYMENT_MISMATCH', `payment ${paymentUuid} was started on ${existing.terminalId} as a ${existing.transactionKind} of ${existing.amountCents} cents`);
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
      const why = busy.status === 'unknown' ? 'the outcome of its last payment is still being checked' : 'it is running another payment';
      return this.refuse(command, 'TERMINAL_BUSY', `terminal ${terminalId} is busy: ${why}`);
    }
    const transactionId = transactionIdFromUuid(paymentUuid).toString();
    const startedAt = new Date().toISOString();
    // A purchase sends a TransactionType only when told to; a refund always does (PROTOCOL.md, "Refunds").
    const transactionType = command.transactionType?.toUpperCase() ?? (transactionKind === 'refund' ? DEFAULT_TRANSACTION_TYPE.refund : undefined);
    const entry: TransactionEntry = { paymentUuid, terminalId, transactionId, amountCents, transactionKind, transactionType, startedAt, status: 'sent', unknownReason: undefined, final: undefined };
    const rt: Runtime = { requestSent: false, cancelRequested: false, recoveryAsked: false, lastStage: undefined, timer: undefined, foreignAnswers: 0 };
    this.all.set(paymentUuid, entry);
    this.active.set(terminalId, entry);
    this.runtime.set(paymentUuid, rt);
    this.registry.setState(terminalId, 'inTransaction');
    this.journal.append(startedRecord(entry)).then(
      () => this.sendRequest(entry, rt),
      (error: Error) => {
        this.log.error({ paymentUuid, terminalId, reason: error.message }, 'transaction not started: the journal failed');
        this.forget(entry);
      },
    );
  }

  private sendRequest(entry: TransactionEntry, rt: Runtime): void {
    const session = this.registry.get(entry.terminalId)?.session;
    if (!session) {
      // Journaled but never sent: the terminal cannot have run it.
      this.settle(entry, { kind: 'transactionNotRun', paymentUuid: entry.paymentUuid, terminalId: entry.terminalId, reason: 'the terminal went offline before the request was sent' });
      return;
    }
    session.send(transactionRequest(BigInt(entry.transactionId), entry.amountCents, entry.transactionType));
    rt.requestSent = true;
    this.armTimer(entry, rt);
    this.log.debug({ paymentUuid: entry.paymentUuid, terminalId: entry.terminalId, transactionId: entry.transactionId, amountCents: entry.amountCents, transactionKind: entry.transactionKind }, 'transaction sent');
    this.outbox.emit({ kind: 'transactionSent', paymentUuid: entry.paymentUuid, terminalId: entry.terminalId, transactionId: entry.transactionId, amountCents: entry.amountCents }, false);
  }

  private cancel(command: Extract<BoxCommand, { kind: 'cancelTransaction' }>): void {
    const entry = this.lookup(command);
    if (!entry) return;
    if (entry.status === 'settled') return this.repeatState(entry);
    // An unknown payment may still be running on the terminal (it stopped answering): asking it to
    // stop is harmless, and its final answer, matched by TransactionId, settles the payment.
    const session = this.registry.get(entry.terminalId)?.session;
    if (!session) return this.refuse(command, 'TERMINAL_OFFLINE', `terminal ${entry.terminalId} is offline`);
    const rt = this.runtime.get(entry.paymentUuid)!;
    rt.cancelRequested = true;
    session.send(cancelRequest());
    this.log.info({ paymentUuid: entry.paymentUuid, terminalId: entry.terminalId }, 'cancel sent');
  }

  private recover(command: Extract<BoxCommand, { kind: 'recoverTransaction' }>): void {
    const entry = this.lookup(command);
    if (!entry) return;
    if (entry.status === 'sent' && this.runtime.get(entry.paymentUuid)?.requestSent === true) return this.askRunning(command, entry);
    if (entry.status !== 'unknown') return this.repeatState(entry);
    if (!this.registry.get(entry.terminalId)?.session) return this.refuse(command, 'TERMINAL_OFFLINE', `terminal ${entry.terminalId} is offline; it is asked as soon as it connects`);
    this.askTerminal(entry);
  }

  /**
   * The cashier asks about a running transaction the terminal has gone quiet on: what the
   * transaction timeout would do, now. Its answer is taken as lost (`unknown`) and the terminal is
   * asked for its last transaction; a terminal still running it ends it with its own answer. An
   * offline terminal cannot be asked: that is the answer.
   */
  private askRunning(command: Extract<BoxCommand, { kind: 'recoverTransaction' }>, entry: TransactionEntry): void {
    if (!this.registry.get(entry.terminalId)?.session) return this.refuse(command, 'TERMINAL_OFFLINE', `terminal ${entry.terminalId} is offline: it cannot be asked now`);
    this.markUnknown(entry, 'the cashier asked the terminal after it went quiet');
    this.askTerminal(entry);
  }

  /**
   * The payment was settled by hand while its answer was lost: stop waiting, so the terminal takes
   * payments again. A transaction the terminal is still reporting on is not released: its own
   * answer will end it.
   */
  private release(command: Extract<BoxCommand, { kind: 'releaseTransaction' }>): void {
    const entry = this.lookup(command);
    if (!entry || entry.status !== 'unknown') return;
    clearTimeout(this.runtime.get(entry.paymentUuid)?.timer);
    this.runtime.delete(entry.paymentUuid);
    entry.status = 'settled';
    entry.final = undefined;
    if (this.active.get(entry.terminalId) === entry) this.active.delete(entry.terminalId);
    this.registry.setState(entry.terminalId, 'idle');
    this.journal.write({ k: 'txReleased', paymentUuid: entry.paymentUuid, reason: command.reason });
    this.log.info({ paymentUuid: entry.paymentUuid, terminalId: entry.terminalId }, 'transaction released: settled by hand on the server');
  }

  private lookup(command: Exclude<BoxCommand, StartCommand>): TransactionEntry | undefined {
    const entry = this.all.get(command.paymentUuid);
    if (!entry) {
      this.refuse(command, 'NO_SUCH_TRANSACTION', `this box has no transaction for payment ${command.paymentUuid}`);
      return undefined;
    }
    if (entry.terminalId !== command.terminalId) {
      this.refuse(command, 'PAYMENT_MISMATCH', `payment ${command.paymentUuid} runs on terminal ${entry.terminalId}`);
      return undefined;
    }
    return entry;
  }

  /** A repeated command gets the state of the first, never a second TransactionRequest. */
  private repeatState(entry: TransactionEntry): void {
    const ref = { paymentUuid: entry.paymentUuid, terminalId: entry.terminalId };
    if (entry.status === 'settled' && entry.final) this.outbox.emit(entry.final, false);
    else if (entry.status === 'unknown') this.outbox.emit({ kind: 'transactionUnknown', ...ref, reason: (entry.unknownReason ?? 'the answer was lost').slice(0, 500), transactionId: entry.transactionId }, false);
    else if (this.runtime.get(entry.paymentUuid)?.requestSent) {
      this.outbox.emit({ kind: 'transactionSent', ...ref, transactionId: entry.transactionId, amountCents: entry.amountCents }, false);
    }
  }

  private progress(entry: TransactionEntry, body: Body): void {
    const rt = this.runtime.get(entry.paymentUuid)!;
    const foreign = foreignAnswer(entry, body);
    if (foreign !== undefined) {
      // Not this transaction's answer: kept as evidence (journaled before it is sent), never taken
      // as its result; the transaction waits for its own answer (or its timeout, then recovery).
      this.log.warn({ paymentUuid: entry.paymentUuid, terminalId: entry.terminalId, transactionId: entry.transactionId, reason: foreign }, 'answer for another transaction ignored');
      if (rt.foreignAnswers++ < MAX_FOREIGN_ANSWERS_REPORTED) this.outbox.emit(messageEvent(entry, foreign), true);
      return;
    }
    // After a reconnect the terminal may go on with the payment: an answer that names it is live again.
    if (entry.status === 'unknown') {
      if (body.transactionId === undefined) return;
      entry.status = 'sent';
      entry.unknownReason = undefined;
      this.registry.setState(entry.terminalId, 'inTransaction');
    }
    if (entry.status !== 'sent' || !rt.requestSent) return;
    this.armTimer(entry, rt);
    if (body.transactionStage !== undefined) {
      rt.lastStage = body.transactionStage;
      this.outbox.emit(stageEvent(entry, body.transactionStage), false);
    }
    const text = messageText(body);
    if (text !== undefined) this.outbox.emit(messageEvent(entry, text), false);
    if (body.transactionResult !== undefined) this.settle(entry, resultEvent(entry, { ...body, transactionResult: body.transactionResult }, false));
  }

  /** Terminals repeat the stage of their TransactionResponse in an InformationReport: only its text is news. */
  private information(entry: TransactionEntry, body: Body): void {
    const rt = this.runtime.get(entry.paymentUuid)!;
    if (entry.status !== 'sent' || !rt.requestSent) return;
    this.armTimer(entry, rt);
    const text = messageText(body);
    if (text !== undefined) this.outbox.emit(messageEvent(entry, text), false);
  }

  private cancelAnswered(entry: TransactionEntry, body: Body): void {
    const rt = this.runtime.get(entry.paymentUuid)!;
    if (!rt.cancelRequested) return;
    rt.cancelRequested = false;
    const resultCode = body.resultCode ?? 0;
    this.outbox.emit({ kind: 'cancelAnswer', paymentUuid: entry.paymentUuid, terminalId: entry.terminalId, accepted: resultCode === 0, resultCode, transactionId: entry.transactionId }, false);
  }

  private lastTransaction(entry: TransactionEntry, body: Body): void {
    const rt = this.runtime.get(entry.paymentUuid)!;
    if (entry.status !== 'unknown' || !rt.recoveryAsked) return;
    rt.recoveryAsked = false;
    if (body.transactionId === undefined) {
      this.log.warn({ paymentUuid: entry.paymentUuid, terminalId: entry.terminalId }, 'last transaction answer names no transaction; still unknown');
      return;
    }
    const id = body.transactionId.toString();
    if (id !== entry.transactionId) {
      this.settle(entry, {
        kind: 'transactionNotRun',
        paymentUuid: entry.paymentUuid,
        terminalId: entry.terminalId,
        reason: `the terminal's last transaction is ${id}, not ${entry.transactionId}`,
        transactionId: entry.transactionId,
      });
      return;
    }
    if (body.transactionResult === undefined) {
      // The terminal names this very transaction but has no result yet: it is still running it.
      entry.status = 'sent';
      entry.unknownReason = undefined;
      this.registry.setState(entry.terminalId, 'inTransaction');
      this.armTimer(entry, rt);
      return;
    }
    this.settle(entry, resultEvent(entry, { ...body, transactionResult: body.transactionResult }, true));
  }

  private askTerminal(entry: TransactionEntry): void {
    const session = this.registry.get(entry.terminalId)?.session;
    const rt = this.runtime.get(entry.paymentUuid);
    if (!session || !rt) return;
    rt.recoveryAsked = true;
    session.send(lastTransactionRequest(BigInt(entry.transactionId)));
    this.log.info({ paymentUuid: entry.paymentUuid, terminalId: entry.terminalId }, 'asked the terminal for its last transaction');
  }

  private markUnknown(entry: TransactionEntry, reason: string): void {
    const rt = this.runtime.get(entry.paymentUuid);
    if (rt) {
      clearTimeout(rt.timer);
      rt.timer = undefined;
    }
    entry.status = 'unknown';
    entry.unknownReason = reason;
    this.registry.setState(entry.terminalId, 'unknown');
    this.journal.write({ k: 'txUnknown', paymentUuid: entry.paymentUuid, reason });
    this.outbox.emit({ kind: 'transactionUnknown', paymentUuid: entry.paymentUuid, terminalId: entry.terminalId, reason: reason.slice(0, 500), transactionId: entry.transactionId }, true);
    this.log.warn({ paymentUuid: entry.paymentUuid, terminalId: entry.terminalId, reason }, 'transaction outcome unknown');
  }

  private settle(entry: TransactionEntry, final: FinalEvent): void {
    const rt = this.runtime.get(entry.paymentUuid);
    clearTimeout(rt?.timer);
    this.runtime.delete(entry.paymentUuid);
    entry.status = 'settled';
    entry.final = final;
    this.active.delete(entry.terminalId);
    this.registry.setState(entry.terminalId, 'idle');
    // The final event on disk settles the transaction by itself; compaction keeps the outcome as a
    // txSettled record once the event is acknowledged, so it is not written twice here.
    this.outbox.emit(final, true);
    const outcome = final.kind === 'transactionResult' ? final.result : 'NotRun';
    // The one info line per transaction: what ran, on which terminal, and how it ended.
    this.log.info(
      {
        paymentUuid: entry.paymentUuid,
        terminalId: entry.terminalId,
        transactionId: entry.transactionId,
        amountCents: entry.amountCents,
        outcome,
        recovered: final.kind === 'transactionResult' ? final.recovered : false,
      },
      'transaction settled',
    );
    this.settledCount++;
    this.trimSettled();
  }

  /** Memory holds as much settled history as a compacted journal does. */
  private trimSettled(): void {
    if (this.settledCount <= KEEP_SETTLED_TRANSACTIONS) return;
    for (const [uuid, entry] of this.all) {
      if (entry.status !== 'settled') continue;
      this.all.delete(uuid);
      this.settledCount--;
      if (this.settledCount <= KEEP_SETTLED_TRANSACTIONS) return;
    }
  }

  private forget(entry: TransactionEntry): void {
    clearTimeout(this.runtime.get(entry.paymentUuid)?.timer);
    this.runtime.delete(entry.paymentUuid);
    this.all.delete(entry.paymentUuid);
    if (this.active.get(entry.terminalId) === entry) this.active.delete(entry.terminalId);
    this.registry.setState(entry.terminalId, 'idle');
  }

  private armTimer(entry: TransactionEntry, rt: Runtime): void {
    // Every frame of a running transaction re-arms its timer: refreshing the one timer is cheaper
    // than a new one per frame.
    if (rt.timer) {
      rt.timer.refresh();
      return;
    }
    rt.timer = setTimeout(() => {
      rt.timer = undefined;
      if (entry.status !== 'sent') return;
      this.markUnknown(entry, `no answer from the terminal for ${Math.round(this.options.transactionTimeoutMs / 1000)} s`);
      this.askTerminal(entry);
    }, this.options.transactionTimeoutMs);
    rt.timer.unref();
  }

  private refuse(command: BoxCommand, code: RefusalCode, message: string): void {
    this.log.info({ paymentUuid: command.paymentUuid, terminalId: command.terminalId, code }, 'command refused');
    this.outbox.emit(refusalEvent(command, code, message), false);
  }
}
