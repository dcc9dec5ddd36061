import { randomUUID } from 'node:crypto';
import type { BoxEventMessage, BoxHello, BoxToServer, ServerToBox } from '@kassa/contract';
import { BOX_CONTRACT_VERSION, ContractError, parseBoxToServer, SUPPORTED_BOX_CONTRACT_VERSIONS, type BoxEvent } from '@kassa/contract';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import type { PendingCommand } from '../repos/uplink-commands.js';
import { markBoxCommandsDelivered, undeliveredCommandsAfter, undeliveredCommandsIn } from '../repos/uplink-commands.js';
import type { BoxEventOutcome } from '../services/box-events.js';
import { applyBoxEvent, applyBoxEvents, boxConnected } from '../services/box-events.js';
import type { ServiceContext } from '../services/context.js';
import { KnownPayments } from '../services/known-payments.js';
import type { QueuedCommand } from '../services/local-links.js';
import { FINAL_STATES } from '../domain/payment-states.js';
import { toServerCommand } from './commands.js';
import { EventPump } from './event-pump.js';

export type UplinkLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/** WebSocket close codes of the uplink (4000–4999 are the application's own). */
export const CLOSE = {
  goingAway: 1001,
  serverError: 1011,
  badHello: 4400,
  revoked: 4403,
  replaced: 4409,
  unsupportedVersion: 4426,
} as const;

/** Codes of the `error` messages the server sends a box; contract errors keep their CONTRACT_ code. */
export type UplinkErrorCode = 'HELLO_REQUIRED' | 'UNEXPECTED_HELLO' | 'UNSUPPORTED_VERSION' | 'BINARY_NOT_ACCEPTED' | 'EVENT_NOT_STORED' | 'HELLO_TIMEOUT' | ContractError['code'];

export interface LinkHooks {
  /** Resolves when the box may be taken: an earlier link's release of it has finished. */
  released(link: BoxLink): Promise<void>;
  /** The hello is stored: this process now holds the box. */
  held(link: BoxLink): Promise<void>;
  /** The socket closed (after any hello in progress finished). */
  closed(link: BoxLink): Promise<void>;
}

const BACKLOG_PAGE = 200;
/** Payment states in which a start command must no longer reach the terminal. */
const SETTLED: ReadonlySet<string> = new Set(FINAL_STATES);
const EVENT_WORKERS = 4;
const MAX_EVENT_BATCH = 200;
const MAX_ACK_IDS = 1000;
const MAX_ERROR_TEXT = 1000;

/**
 * One box's WebSocket: the hello first, then events applied (in arrival order per payment, side by
 * side across payments) and acknowledged, and commands sent as they are queued and confirmed as the
 * box journals them. Every message is checked against the contract; a bad one is answered with an
 * error and changes nothing.
 */
export class BoxLink {
  readonly id = randomUUID();
  readonly boxId: string;
  readonly #socket: WebSocket;
  readonly #ctx: ServiceContext;
  readonly #log: UplinkLogger;
  readonly #hooks: LinkHooks;
  #state: 'awaitingHello' | 'ready' | 'closed' = 'awaitingHello';
  #helloStored = false;
  /** Messages are taken in order; only the hello holds the line, events are handed to #events. */
  #intake: Promise<void> = Promise.resolve();
  readonly #events = new EventPump<ServiceContext>({
    workers: EVENT_WORKERS,
    maxBatch: MAX_EVENT_BATCH,
    session: (work) => this.#eventSession(work),
    apply: (batch, ctx) => this.#applyEvents(batch, ctx),
    failed: (error) => {
      this.#log.error({ boxId: this.boxId, err: error }, 'box events could not be applied');
      this.close(CLOSE.serverError, 'events not stored');
    },
  });
  /** The running payments this link wrote last: their next events are written without reading them. */
  readonly #known = new KnownPayments();
  readonly #tasks = new Set<Promise<unknown>>();
  /** Commands sent on this link; a command is sent once per link and again only on a new link. */
  readonly #sent = new Set<number>();
  #notified: number[] = [];
  /** Commands whose NOTIFY carried them whole: sent without reading them back. */
  readonly #carried = new Map<number, PendingCommand>();
  #delivery: Promise<void> = Promise.resolve();
  #drainQueued = false;
  #confirmations: number[] = [];
  #confirming: Promise<void> | null = null;
  #alive = true;
  readonly #helloTimer: NodeJS.Timeout;

  constructor(socket: WebSocket, options: { boxId: string; ctx: ServiceContext; log: UplinkLogger; hooks: LinkHooks; helloTimeoutMs: number }) {
    this.#socket = socket;
    this.boxId = options.boxId;
    this.#ctx = options.ctx;
    this.#log = options.log;
    this.#hooks = options.hooks;
    this.#helloTimer = setTimeout(() => {
      this.#sendError('HELLO_TIMEOUT', `No hello within ${options.helloTimeoutMs} ms.`);
      this.close(CLOSE.badHello, 'hello timeout');
    }, options.helloTimeoutMs);
    this.#helloTimer.unref();
    socket.on('message', (data, isBinary) => this.#receive(data, isBinary));
    socket.on('pong', () => {
      this.#alive = true;
    });
    socket.on('error', (error) => this.#log.warn({ boxId: this.boxId, err: error }, 'box link error'));
    socket.on('close', (code) => this.#onClose(code));
  }

  get ready(): boolean {
    return this.#state === 'ready';
  }

  get helloStored(): boolean {
    return this.#helloStored;
  }

  close(code: number, reason: string): void {
    if (this.#socket.readyState === this.#socket.CLOSED || this.#socket.readyState === this.#socket.CLOSING) return;
    this.#socket.close(code, reason);
  }

  terminate(): void {
    this.#socket.terminate();
  }

  /** A ping per interval; a link that did not answer the previous one is dead (a NAT dropped it). */
  heartbeat(): void {
    if (!this.#alive) {
      this.#log.warn({ boxId: this.boxId }, 'box link silent, closing');
      this.#socket.terminate();
      return;
    }
    this.#alive = false;
    this.#socket.ping();
  }

  /** Resolves once everything this link started (events, deliveries, its close) has finished. */
  async settled(): Promise<void> {
    while (this.#tasks.size > 0) await Promise.allSettled([...this.#tasks]);
    await this.#events.settled();
  }

  /**
   * A command was queued for this box (by NOTIFY, or by this process itself). When it comes with the
   * command it is sent as is; otherwise it is read first. Either way only once per link. A payment
   * it starts, as its request wrote it, is remembered so that its first events need no read.
   */
  commandQueued(commandId: number, carried?: { kind: string; payload: unknown }, started?: QueuedCommand['started']): void {
    if (this.#state === 'closed') return;
    if (started !== undefined) this.#known.remember(started.payment, started.version);
    this.#notified.push(commandId);
    if (carried !== undefined) this.#carried.set(commandId, { id: commandId, boxId: this.boxId, kind: carried.kind, payload: carried.payload, paymentState: null });
    if (this.#state === 'ready') this.#drain();
  }

  /** Sends whatever is still undelivered and not yet sent here: a safety net for a missed NOTIFY. */
  sweep(): void {
    if (this.#state === 'ready') this.#queueDelivery(() => this.#sendBacklog());
  }

  #track<T>(promise: Promise<T>): void {
    const tracked = promise.then(
      () => undefined,
      (error: unknown) => this.#log.error({ boxId: this.boxId, err: error }, 'box link task failed'),
    );
    this.#tasks.add(tracked);
    void tracked.then(() => this.#tasks.delete(tracked));
  }

  #receive(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.#sendError('BINARY_NOT_ACCEPTED', 'The uplink speaks JSON text messages only.');
      return;
    }
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
    const step = this.#intake.then(() => this.#handle(text));
    this.#track(step);
    this.#intake = step.catch(() => undefined);
  }

  async #handle(text: string): Promise<void> {
    if (this.#state === 'closed') return;
    let message: BoxToServer;
    try {
      message = parseBoxToServer(text);
    } catch (error) {
      if (!(error instanceof ContractError)) throw error;
      this.#sendError(error.code, error.message);
      if (this.#state === 'awaitingHello') this.close(CLOSE.badHello, 'first message must be a valid hello');
      return;
    }
    if (this.#state === 'awaitingHello') {
      if (message.type !== 'hello') {
        this.#sendError('HELLO_REQUIRED', `The first message must be a hello, got ${message.type}.`);
        this.close(CLOSE.badHello, 'hello required');
        return;
      }
      await this.#hello(message);
      return;
    }
    switch (message.type) {
      case 'hello':
        this.#sendError('UNEXPECTED_HELLO', 'This link already said hello.');
        return;
      case 'event':
        this.#events.push(laneOf(message.event), message);
        return;
      case 'commandReceived':
        this.#confirm(message.commandId);
        return;
      case 'error':
        this.#log.warn({ boxId: this.boxId, code: message.code, text: message.message }, 'box reported an error');
        return;
    }
  }

  async #hello(hello: BoxHello): Promise<void> {
    clearTimeout(this.#helloTimer);
    if (!SUPPORTED_BOX_CONTRACT_VERSIONS.includes(hello.version)) {
      this.#sendError('UNSUPPORTED_VERSION', `This server speaks box contract versions ${SUPPORTED_BOX_CONTRACT_VERSIONS.join(', ')}, not ${hello.version}.`);
      this.close(CLOSE.unsupportedVersion, 'unsupported contract version');
      return;
    }
    let name: string;
    try {
      await this.#hooks.released(this);
      ({ name } = await boxConnected(this.#ctx, this.boxId, hello));
    } catch (error) {
      this.#log.error({ boxId: this.boxId, err: error }, 'box hello not stored');
      this.close(CLOSE.serverError, 'hello not stored');
      return;
    }
    this.#helloStored = true;
    if (this.#state === 'closed') return;
    this.#state = 'ready';
    this.#log.info({ boxId: this.boxId, reportedId: hello.boxId, software: hello.software, devices: hello.devices.length }, 'box connected');
    this.#send({ type: 'welcome', version: BOX_CONTRACT_VERSION, boxId: this.boxId, name: name.slice(0, 120) });
    await this.#hooks.held(this);
    this.#queueDelivery(() => this.#sendBacklog());
    if (this.#notified.length > 0) this.#drain();
  }

  /**
   * On PostgreSQL a worker keeps one pool connection while it has events to apply, so box events
   * never queue behind HTTP requests for a connection; PGlite has only one connection to share.
   */
  async #eventSession(work: (ctx: ServiceContext) => Promise<void>): Promise<void> {
    if (this.#ctx.database.kind !== 'postgres') return work(this.#ctx);
    await this.#ctx.db.connection().execute((db) => work({ ...this.#ctx, db }));
  }

  /** Events received before the link closed are still applied: a replay would only repeat them. */
  async #applyEvents(batch: BoxEventMessage[], ctx: ServiceContext): Promise<void> {
    let outcomes: BoxEventOutcome[];
    try {
      outcomes = await applyBoxEvents(ctx, this.boxId, batch, this.#known);
    } catch (error) {
      // One event may be at fault: take them one by one so the others still get through.
      this.#log.warn({ boxId: this.boxId, events: batch.length, err: error }, 'box event batch failed, applying one by one');
      this.#known.clear();
      outcomes = [];
      for (const message of batch) {
        try {
          outcomes.push(await applyBoxEvent(ctx, this.boxId, message));
        } catch (single) {
          // Not acknowledged: the box keeps it and sends it again once the link is back.
          this.#log.error({ boxId: this.boxId, eventId: message.id, err: single }, 'box event not stored');
          this.#sendError('EVENT_NOT_STORED', `Event ${message.id} could not be stored; it will be taken again after a reconnect.`);
          this.close(CLOSE.serverError, 'event not stored');
          break;
        }
      }
    }
    outcomes.forEach((outcome, i) => {
      if (outcome === 'unmatched') this.#log.warn({ boxId: this.boxId, eventId: batch[i]?.id, kind: batch[i]?.event.kind }, 'box event names no payment of this box');
    });
    const ids = batch.slice(0, outcomes.length).map((m) => m.id);
    for (let start = 0; start < ids.length; start += MAX_ACK_IDS) {
      const chunk = ids.slice(start, start + MAX_ACK_IDS);
      const [first, ...rest] = chunk;
      if (first !== undefined) this.#send({ type: 'ack', ids: [first, ...rest] });
    }
  }

  #queueDelivery(step: () => Promise<void>): void {
    this.#delivery = this.#delivery.then(step);
    this.#track(this.#delivery);
    this.#delivery = this.#delivery.catch(() => undefined);
  }

  /** Reads the notified commands in one query; NOTIFYs arriving meanwhile wait for the next. */
  #drain(): void {
    if (this.#drainQueued) return;
    this.#drainQueued = true;
    this.#queueDelivery(async () => {
      this.#drainQueued = false;
      const ids = this.#notified.filter((id) => !this.#sent.has(id));
      const carried = ids.flatMap((id) => this.#carried.get(id) ?? []);
      const unread = ids.filter((id) => !this.#carried.has(id));
      this.#notified = [];
      this.#carried.clear();
      if (ids.length === 0 || this.#state !== 'ready') return;
      const read = unread.length === 0 ? [] : await undeliveredCommandsIn(this.#ctx.db, this.boxId, unread);
      this.#sendCommands([...carried, ...read].sort((a, b) => a.id - b.id));
    });
  }

  async #sendBacklog(): Promise<void> {
    let after = 0;
    for (;;) {
      if (this.#state !== 'ready') return;
      const page = await undeliveredCommandsAfter(this.#ctx.db, this.boxId, after, BACKLOG_PAGE);
      this.#sendCommands(page);
      if (page.length < BACKLOG_PAGE) return;
      after = page[page.length - 1]?.id ?? after;
    }
  }

  #sendCommands(commands: readonly PendingCommand[]): void {
    for (const queued of commands) {
      if (this.#sent.has(queued.id) || this.#state !== 'ready') continue;
      this.#sent.add(queued.id);
      if (queued.kind === 'pay' && queued.paymentState !== null && SETTLED.has(queued.paymentState)) {
        // Settled (by hand, or refused) before the box got it: starting it now would charge a closed line.
        this.#log.warn({ boxId: this.boxId, commandId: queued.id, state: queued.paymentState }, 'start command of a settled payment dropped');
        this.#confirm(queued.id);
        continue;
      }
      const message = toServerCommand(queued);
      if ('error' in message) {
        this.#log.error({ boxId: this.boxId, commandId: queued.id }, message.error);
        continue;
      }
      this.#send(message);
    }
  }

  /** Confirmations are written in batches: one UPDATE for all that arrived while the last ran. */
  #confirm(commandId: number): void {
    this.#confirmations.push(commandId);
    if (this.#confirming !== null) return;
    this.#confirming = (async () => {
      while (this.#confirmations.length > 0) {
        const ids = this.#confirmations;
        this.#confirmations = [];
        await markBoxCommandsDelivered(this.#ctx.db, this.boxId, ids, this.#ctx.now());
      }
    })().finally(() => {
      this.#confirming = null;
    });
    this.#track(this.#confirming);
  }

  #send(message: ServerToBox): void {
    if (this.#socket.readyState !== this.#socket.OPEN) return;
    this.#socket.send(JSON.stringify(message));
  }

  #sendError(code: UplinkErrorCode, text: string): void {
    this.#send({ type: 'error', code, message: text.slice(0, MAX_ERROR_TEXT) });
  }

  #onClose(code: number): void {
    clearTimeout(this.#helloTimer);
    const wasReady = this.#state === 'ready';
    this.#state = 'closed';
    if (wasReady) this.#log.info({ boxId: this.boxId, code }, 'box disconnected');
    // Events already taken are applied before the box is let go, so nothing writes behind the release.
    this.#track(this.#intake.then(() => this.#events.settled()).then(() => this.#hooks.closed(this)));
  }
}

/** Events of one lane are applied in order: a terminal's events together, each payment's together. */
function laneOf(event: BoxEvent): string {
  if (event.kind === 'device') return `device:${event.device.terminalId}`;
  if (event.kind === 'terminalConflict') return `device:${event.terminalId}`;
  return `payment:${event.paymentUuid}`;
}
