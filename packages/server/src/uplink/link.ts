import { randomUUID } from 'node:crypto';
import type { BoxHello, BoxToServer, ServerToBox } from '@kassa/contract';
import { BOX_CONTRACT_VERSION, ContractError, parseBoxToServer, SUPPORTED_BOX_CONTRACT_VERSIONS } from '@kassa/contract';
import type { RawData, WebSocket } from 'ws';
import type { QueuedCommand } from '../repos/box-commands.js';
import { boxConnected } from '../services/box-events/box-link.js';
import type { ServiceContext } from '../services/context.js';
import type { StartedPayment } from '../services/local-links.js';
import { CommandQueue } from './command-queue.js';
import { EventInbox } from './event-inbox.js';
import type { UplinkLogger } from './logger.js';

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
export type UplinkErrorCode =
  'HELLO_REQUIRED' | 'UNEXPECTED_HELLO' | 'UNSUPPORTED_VERSION' | 'BINARY_NOT_ACCEPTED' | 'EVENT_NOT_STORED' | 'HELLO_TIMEOUT' | ContractError['code'];

export interface LinkHooks {
  /** Resolves when the box may be taken: an earlier link's release of it has finished. */
  released(link: BoxLink): Promise<void>;
  /** The hello is stored: this process now holds the box. */
  held(link: BoxLink): Promise<void>;
  /** The socket closed (after any hello in progress finished). */
  closed(link: BoxLink): Promise<void>;
}

const MAX_ERROR_TEXT = 1000;

/**
 * `awaitingHello`: the socket is open, the first message must be a hello; `open`: events come in
 * and commands go out; `draining`: the socket closed, the events it brought are still being
 * applied before the box is let go; `closed`: done.
 */
export type LinkState = 'awaitingHello' | 'open' | 'draining' | 'closed';

/**
 * One box's WebSocket: the hello first, then two queues, one per direction. Incoming events go to
 * the EventInbox (applied in arrival order per payment, side by side across payments, and
 * acknowledged); outgoing commands go through the CommandQueue (sent as they are queued, confirmed
 * as the box journals them). Every message is checked against the contract; a bad one is answered
 * with an error and changes nothing.
 */
export class BoxLink {
  readonly id = randomUUID();
  readonly boxId: string;
  readonly #socket: WebSocket;
  readonly #ctx: ServiceContext;
  readonly #log: UplinkLogger;
  readonly #hooks: LinkHooks;
  #state: LinkState = 'awaitingHello';
  #helloStored = false;
  /** Messages are taken in order; only the hello holds the line, events are handed to the inbox. */
  #intake: Promise<void> = Promise.resolve();
  readonly #events: EventInbox;
  readonly #commands: CommandQueue;
  readonly #tasks = new Set<Promise<unknown>>();
  /** Whether the box answered the last ping. */
  #alive = true;
  readonly #helloTimer: NodeJS.Timeout;

  constructor(socket: WebSocket, options: { boxId: string; ctx: ServiceContext; log: UplinkLogger; hooks: LinkHooks; helloTimeoutMs: number }) {
    this.#socket = socket;
    this.boxId = options.boxId;
    this.#ctx = options.ctx;
    this.#log = options.log;
    this.#hooks = options.hooks;
    const queues = { boxId: this.boxId, ctx: this.#ctx, log: this.#log };
    this.#events = new EventInbox({
      ...queues,
      ack: (message) => this.#send(message),
      notStored: (eventId) => {
        this.#sendError('EVENT_NOT_STORED', `Event ${eventId} could not be stored; it will be taken again after a reconnect.`);
        this.close(CLOSE.serverError, 'event not stored');
      },
      failed: (error) => {
        this.#log.error({ boxId: this.boxId, err: error }, 'box events could not be applied');
        this.close(CLOSE.serverError, 'events not stored');
      },
    });
    this.#commands = new CommandQueue({ ...queues, send: (message) => this.#send(message), track: (step) => this.#track(step) });
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
    return this.#state === 'open';
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
   * A command was queued for this box (by NOTIFY, or by this process itself). When it comes whole
   * it is sent as is; otherwise it is read first. Either way only once per link. A payment it
   * starts, as its request wrote it, is remembered so that its first events need no read.
   */
  commandQueued(commandId: number, carried?: QueuedCommand, started?: StartedPayment): void {
    if (this.#ended) return;
    if (started !== undefined) this.#events.remember(started.payment, started.version, started.posId);
    this.#commands.queued(commandId, carried);
  }

  /** Sends whatever is still undelivered and not yet sent here: a safety net for a missed NOTIFY. */
  sweep(): void {
    this.#commands.sweep();
  }

  get #ended(): boolean {
    return this.#state === 'draining' || this.#state === 'closed';
  }

  #receive(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.#sendError('BINARY_NOT_ACCEPTED', 'The uplink speaks JSON text messages only.');
      return;
    }
    const text = Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data).toString('utf8');
    const step = this.#intake.then(() => this.#handle(text));
    this.#track(step);
    this.#intake = step.catch(() => undefined);
  }

  async #handle(text: string): Promise<void> {
    if (this.#ended) return;
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
        this.#events.push(message);
        return;
      case 'commandReceived':
        this.#commands.confirm(message.commandId);
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
    if (this.#ended) return;
    this.#state = 'open';
    this.#log.info({ boxId: this.boxId, reportedId: hello.boxId, software: hello.software, devices: hello.devices.length }, 'box connected');
    this.#send({ type: 'welcome', version: BOX_CONTRACT_VERSION, boxId: this.boxId, name: name.slice(0, 120) });
    await this.#hooks.held(this);
    this.#commands.open();
  }

  #send(message: ServerToBox): void {
    if (this.#socket.readyState !== this.#socket.OPEN) return;
    this.#socket.send(JSON.stringify(message));
  }

  #sendError(code: UplinkErrorCode, text: string): void {
    this.#send({ type: 'error', code, message: text.slice(0, MAX_ERROR_TEXT) });
  }

  #track<T>(promise: Promise<T>): void {
    const tracked = promise.then(
      () => undefined,
      (error: unknown) => this.#log.error({ boxId: this.boxId, err: error }, 'box link task failed'),
    );
    this.#tasks.add(tracked);
    void tracked.then(() => this.#tasks.delete(tracked));
  }

  #onClose(code: number): void {
    clearTimeout(this.#helloTimer);
    if (this.#state === 'open') this.#log.info({ boxId: this.boxId, code }, 'box disconnected');
    this.#state = 'draining';
    this.#commands.close();
    // Events already taken are applied before the box is let go, so nothing writes behind the release.
    const released = this.#intake.then(() => this.#events.settled()).then(() => this.#hooks.closed(this));
    this.#track(
      released.finally(() => {
        this.#state = 'closed';
      }),
    );
  }
}
