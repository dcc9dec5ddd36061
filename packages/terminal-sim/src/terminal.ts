import { EventEmitter } from 'node:events';
import { connect } from 'node:net';
import {
  ByeReason,
  fromHex,
  isTyped,
  TransactionResult,
  TransactionStage,
  type Body,
  type Message,
  type TypedMessage,
  type TypedMessageName,
} from '@kassa/protocol';
import { SimError, SimErrorCode } from './errors.js';
import { junkBytes } from './junk.js';
import { SimResultCode, transactionKindOf, type FinishedTransaction, type LedgerEntry } from './ledger.js';
import { Link } from './link.js';
import { resolveOptions, type ResolvedOptions, type TerminalOptions } from './options.js';
import { seededRandom, type Random } from './random.js';
import { keepAliveIntervalFrom, lastTicketBody, lastTransactionBody, versionBody } from './responses.js';
import { scenarioSteps } from './scenarios.js';
import type { ScriptStep } from './script.js';
import { KeepAlive } from './keep-alive.js';
import { stageText } from './texts.js';
import { Transaction } from './transaction.js';

export type Key = 'card' | 'pin-ok' | 'cancel' | 'remove-card' | 'stop';

export interface TerminalHandle {
  readonly terminalId: string;
  /** Live view of every finished transaction; survives reconnects. */
  readonly ledger: readonly LedgerEntry[];
  readonly events: EventEmitter;
  /** True after a HelloResponse on the current connection. */
  readonly isConnected: boolean;
  ready(): Promise<void>;
  press(key: Key): void;
  disconnect(): void;
  close(): Promise<void>;
}

const BYE_WAIT_MS = 1000;
const CONNECT_TIMEOUT_MS = 5000;
const MAX_AMOUNT_CENTS = 99_999_999;

/** Starts an emulated terminal: it dials the box at once and keeps dialling until closed. */
export function startTerminal(options: TerminalOptions): TerminalHandle {
  return new Terminal(resolveOptions(options));
}

class Terminal implements TerminalHandle {
  readonly events = new EventEmitter();
  readonly ledger: LedgerEntry[] = [];
  private readonly options: ResolvedOptions;
  private readonly random: Random;
  private readonly log: ((line: Record<string, unknown>) => void) | undefined;
  private readonly keepAlive: KeepAlive;
  private link: Link | undefined;
  private helloDone = false;
  private closed = false;
  private closing: Promise<void> | undefined;
  private backoffMs: number;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private current: Transaction | undefined;
  private readonly stepping = new Set<Transaction>();
  private last: FinishedTransaction | undefined;
  private readyWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private byeWaiter: (() => void) | undefined;
  /** LastTransactionRequests that asked about the running transaction: answered when it finishes. */
  private lastWaiters: { id: bigint; link: Link }[] = [];

  constructor(options: ResolvedOptions) {
    this.options = options;
    this.random = seededRandom(options.seed);
    this.backoffMs = options.reconnectInitialMs;
    const logger = options.logger;
    this.log = logger ? (line) => logger({ t: new Date().toISOString(), terminalId: options.terminalId, ...line }) : undefined;
    this.keepAlive = new KeepAlive({
      send: () => this.send('KeepAliveRequest', { keepAliveReason: 1 }),
      timedOut: (ms) => this.link?.close(new SimError(SimErrorCode.KeepAliveTimeout, `no KeepAliveResponse within ${ms} ms`)),
    });
    this.events.setMaxListeners(0);
    this.dial();
  }

  get terminalId(): string {
    return this.options.terminalId;
  }

  get isConnected(): boolean {
    return this.helloDone && this.link !== undefined && this.link.isOpen;
  }

  ready(): Promise<void> {
    if (this.isConnected) return Promise.resolve();
    if (this.closed) return Promise.reject(new SimError(SimErrorCode.Socket, `terminal ${this.terminalId} is closed`));
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  press(key: Key): void {
    const tx = this.current;
    if (tx && !tx.isFinished && tx.press(key)) return;
    if (key === 'remove-card') this.screen(stageText(this.options.language, 'CardRemoved'));
  }

  disconnect(): void {
    this.link?.close();
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    for (const tx of this.stepping) tx.halt();
    this.current?.halt();
    this.keepAlive.stop();
    const link = this.link;
    if (link?.isOpen && this.helloDone) {
      const answered = new Promise<void>((resolve) => {
        this.byeWaiter = resolve;
        setTimeout(resolve, BYE_WAIT_MS).unref();
      });
      this.send('ByeRequest', { byeReason: ByeReason.Shutdown });
      await answered;
    }
    link?.close();
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const waiter of waiters) waiter.reject(new SimError(SimErrorCode.Socket, `terminal ${this.terminalId} was closed before its HelloResponse`));
  }

  private dial(): void {
    this.reconnectTimer = undefined;
    if (this.closed) return;
    const socket = connect({
      host: this.options.host,
      port: this.options.port,
      ...(this.options.localAddress !== undefined ? { localAddress: this.options.localAddress } : {}),
    });
    socket.setNoDelay(true);
    const split = this.options.scenario === 'split';
    const link = new Link({
      socket,
      terminalId: this.options.terminalId,
      protocolId: this.options.protocolId,
      split,
      random: this.random,
      log: this.log,
      onMessage: (message) => this.receive(link, message),
      onClose: (error) => this.lost(link, error),
    });
    this.link = link;
    this.helloDone = false;
    // A box that does not answer the SYN would otherwise hold the dial for minutes.
    socket.setTimeout(CONNECT_TIMEOUT_MS, () =>
      link.close(new SimError(SimErrorCode.Socket, `no connection to ${this.options.host}:${this.options.port} within ${CONNECT_TIMEOUT_MS} ms`)),
    );
    socket.once('connect', () => {
      socket.setTimeout(0);
      this.log?.({ event: 'connected', box: `${this.options.host}:${this.options.port}` });
      this.events.emit('connected');
      this.sendOn(link, 'HelloRequest', {});
    });
  }

  private lost(link: Link, error: SimError | undefined): void {
    if (this.link !== link) return;
    const wasConnected = this.helloDone;
    this.helloDone = false;
    this.keepAlive.stop();
    this.byeWaiter?.();
    this.byeWaiter = undefined;
    this.lastWaiters = this.lastWaiters.filter((w) => w.link !== link);
    if (this.current?.isHanging) this.current.abandon();
    this.log?.({ event: 'disconnected', error: error?.code });
    if (error) this.reportError(error);
    this.events.emit('disconnected', { error, wasConnected });
    if (this.closed) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.options.reconnectMaxMs, this.backoffMs * 2);
    this.reconnectTimer = setTimeout(() => this.dial(), delay);
  }

  private receive(link: Link, message: Message): void {
    this.events.emit('frame-in', message);
    if (!isTyped(message)) return;
    // While saying goodbye only the ByeResponse matters.
    if (this.closed && message.type !== 'ByeResponse') return;
    if (!this.helloDone) {
      this.hello(link, message);
      return;
    }
    const body = message.body;
    switch (message.type) {
      case 'KeepAliveResponse':
        this.keepAlive.answered(body.keepAliveReason === 1 && (body.resultCode ?? 0) === SimResultCode.Ok);
        return;
      case 'TransactionRequest':
        this.transactionRequest(link, body);
        return;
      case 'CancelRequest':
        this.cancelRequest(link);
        return;
      case 'LastTransactionRequest':
        this.lastTransactionRequest(link, body);
        return;
      case 'LastTicketRequest':
        this.sendOn(link, 'LastTicketResponse', lastTicketBody(this.last));
        return;
      case 'VersionInformationRequest':
        this.sendOn(link, 'VersionInformationResponse', versionBody(this.options.model, this.options.serialNumber));
        return;
      case 'ByeRequest':
        this.sendOn(link, 'ByeResponse', { resultCode: SimResultCode.Ok });
        link.end();
        return;
      case 'ByeResponse':
        this.byeWaiter?.();
        return;
      case 'TotalsRequest':
        this.sendOn(link, 'TotalsResponse', { resultCode: SimResultCode.NotSupported });
        return;
      case 'SettingsRequest':
        this.sendOn(link, 'SettingsResponse', { resultCode: SimResultCode.NotSupported });
        return;
      default:
        return;
    }
  }

  private hello(link: Link, message: TypedMessage): void {
    if (message.type !== 'HelloResponse' || (message.body.resultCode ?? 0) !== SimResultCode.Ok) {
      link.close(new SimError(SimErrorCode.BadHello, `expected a HelloResponse with ResultCode 0000, got ${message.type}`));
      return;
    }
    this.helloDone = true;
    this.backoffMs = this.options.reconnectInitialMs;
    const interval = this.options.keepAliveIntervalMs ?? keepAliveIntervalFrom(message.body);
    this.keepAlive.start(interval, this.options.keepAliveTimeoutMs ?? Math.max(interval, 1000));
    this.log?.({ event: 'hello', keepAliveIntervalMs: interval });
    this.events.emit('hello');
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  private transactionRequest(link: Link, body: Body): void {
    const id = body.transactionId;
    const amount = body.transactionData?.amount;
    const kind = transactionKindOf(body.transactionData?.transactionType);
    const refuse = (): void => {
      this.sendOn(link, 'TransactionResponse', {
        transactionStage: TransactionStage.Finished,
        transactionResult: TransactionResult.Error,
        ...(id !== undefined ? { transactionId: id } : {}),
      });
    };
    if (id === undefined || amount === undefined || !Number.isInteger(amount) || amount <= 0 || amount > MAX_AMOUNT_CENTS || kind === undefined)
      return refuse();
    if (this.current && !this.current.isFinished) return refuse();
    for (const tx of this.stepping) if (!tx.hasPendingSteps) this.stepping.delete(tx);
    const steps: readonly ScriptStep[] =
      typeof this.options.scenario === 'string'
        ? scenarioSteps(this.options.scenario, { amountCents: amount, stageDelayMs: this.options.stageDelayMs, language: this.options.language, kind })
        : this.options.scenario;
    const tx: Transaction = new Transaction(
      {
        terminalId: this.terminalId,
        language: this.options.language,
        shopName: this.options.shopName,
        stageDelayMs: this.options.stageDelayMs,
        manualKeys: this.options.manualKeys,
        send: (type, payload) => this.sendOn(link, type, payload),
        sendJunk: (kind) => {
          if (link.isOpen) link.sendRaw(junkBytes(kind, link.nextHeader(), this.random), `junk:${kind}`);
        },
        sendHex: (hex) => {
          const bytes = fromHex(hex);
          if (bytes && link.isOpen) link.sendRaw(bytes, 'raw');
        },
        drop: () => link.close(),
        screen: (text) => this.screen(text),
        finished: (entry, finalBody) => this.finished(tx, entry, finalBody),
      },
      { id, amountCents: amount, kind },
      steps,
    );
    this.current = tx;
    this.stepping.add(tx);
    this.giveUpLater(tx);
    this.events.emit('transaction-started', { transactionId: id, amountCents: amount, kind });
    tx.start();
  }

  /** A transaction that will never answer keeps the terminal busy only so long: then it gives up. */
  private giveUpLater(tx: Transaction): void {
    setTimeout(() => {
      if (tx.isFinished || this.closed || this.current !== tx) return;
      if (!tx.abandon()) this.giveUpLater(tx);
    }, this.options.noAnswerGiveUpMs).unref();
  }

  private cancelRequest(link: Link): void {
    const tx = this.current;
    if (tx?.isHanging) {
      // Too late to stop what the terminal sent for authorisation, but the box stops waiting: the terminal gives up and is free again.
      this.sendOn(link, 'CancelResponse', { resultCode: SimResultCode.CancelTooLate });
      tx.abandon();
      return;
    }
    if (tx && tx.canBeCancelled) {
      this.sendOn(link, 'CancelResponse', { resultCode: SimResultCode.Ok });
      tx.stopNow();
      return;
    }
    const code = tx && !tx.isFinished ? SimResultCode.CancelTooLate : SimResultCode.NothingToCancel;
    this.sendOn(link, 'CancelResponse', { resultCode: code });
  }

  private lastTransactionRequest(link: Link, body: Body): void {
    // About a transaction still running (no-answer too) the answer waits until it finishes, or gives up.
    const tx = this.current;
    if (tx && !tx.isFinished && body.transactionId === tx.id) {
      this.lastWaiters.push({ id: tx.id, link });
      return;
    }
    this.sendOn(link, 'LastTransactionResponse', lastTransactionBody(this.last));
  }

  private finished(tx: Transaction, entry: LedgerEntry, finalBody: Body): void {
    this.last = { entry, finalBody };
    this.ledger.push(entry);
    this.events.emit('transaction-finished', entry);
    const waiting = this.lastWaiters.filter((w) => w.id === tx.id);
    this.lastWaiters = this.lastWaiters.filter((w) => w.id !== tx.id);
    for (const waiter of waiting) this.sendOn(waiter.link, 'LastTransactionResponse', lastTransactionBody(this.last));
  }

  /** Sends on the current connection (keep-alive, Bye). */
  private send(type: TypedMessageName, body: Body): boolean {
    return this.link ? this.sendOn(this.link, type, body) : false;
  }

  private sendOn(link: Link, type: TypedMessageName, body: Body): boolean {
    const sent = link.send(type, body);
    if (sent) this.events.emit('frame-out', { type, body });
    return sent;
  }

  private screen(text: string): void {
    this.events.emit('screen', text);
  }

  private reportError(error: SimError): void {
    if (this.events.listenerCount('error') > 0) this.events.emit('error', error);
  }
}
