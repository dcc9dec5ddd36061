import type { Duplex } from 'node:stream';
import { WebSocket, type RawData } from 'ws';
import {
  BOX_CONTRACT_VERSION,
  ContractError,
  MAX_UPLINK_MESSAGE_BYTES,
  parseBoxToServer,
  parseServerToBox,
  type BoxCommand,
  type BoxToServer,
  type DeviceReport,
} from '@kassa/contract';
import type { BoxLatency } from '../latency.js';
import type { Logger } from '../logger.js';
import type { Outbox, OutboxEntry } from '../outbox.js';
import { BOX_SOFTWARE } from '../version.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';

/** Bytes the WebSocket may hold unwritten before the box waits: a long backlog resent to a slow server is not copied into it all at once. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * Events made during one I/O pass normally leave together at its end; past this many, they leave
 * at once, so a busy pass (hundreds of terminals ready together) does not hold its first events
 * back until it ends.
 */
const FLUSH_EVERY_EVENTS = 32;

/** `connecting`: dialling; `open`: hello sent, no welcome yet; `ready`: events flow; `waiting`: back-off before the next dial. */
export type UplinkState = 'connecting' | 'open' | 'ready' | 'waiting' | 'stopped';

export interface UplinkOptions {
  /** The WebSocket URL (see boxUplinkUrl). */
  readonly url: string;
  readonly token: string;
  readonly boxId: string;
  readonly outbox: Outbox;
  readonly devices: () => DeviceReport[];
  /** Journals and executes a new command; resolves once it is on disk. Duplicates are the caller's to spot. */
  readonly onCommand: (commandId: number, command: BoxCommand) => Promise<void>;
  readonly logger: Logger;
  readonly backoff?: BackoffOptions;
  /** A link with no pong for this long is dropped and dialled again. */
  readonly heartbeatMs?: number;
  /** Times each event caused by a terminal frame once it is written to the link. */
  readonly latency?: BoxLatency;
}

export interface UplinkStatus {
  readonly state: UplinkState;
  readonly url: string;
  readonly connectedSince: string | null;
  readonly lastError: string | null;
  readonly attempts: number;
  readonly serverName: string | null;
}

/**
 * The box's one link to the server. The box dials out (it sits behind the shop's NAT), says hello,
 * then sends every unacknowledged event in order; it dials again with back-off and jitter whenever
 * the link drops. Every message either way is checked against the contract.
 */
export class Uplink {
  private ws: WebSocket | undefined;
  private status: UplinkState = 'waiting';
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private alive = true;
  private flushQueued = false;
  private readySinceFlush = 0;
  private connectedSince: Date | null = null;
  private lastError: string | null = null;
  private serverName: string | null = null;
  private readonly log: Logger;

  constructor(private readonly options: UplinkOptions) {
    this.log = options.logger.child({ component: 'uplink' });
    options.outbox.onReady(() => this.scheduleFlush());
  }

  start(): void {
    this.dial();
  }

  get state(): UplinkState {
    return this.status;
  }

  snapshot(): UplinkStatus {
    return {
      state: this.status,
      url: this.options.url,
      connectedSince: this.connectedSince?.toISOString() ?? null,
      lastError: this.lastError,
      attempts: this.attempt,
      serverName: this.serverName,
    };
  }

  async close(): Promise<void> {
    this.status = 'stopped';
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeat);
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        ws.terminate();
        resolve();
      }, 1000);
      ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      ws.close(1001, 'box stopping');
    });
  }

  private dial(): void {
    if (this.status === 'stopped') return;
    this.status = 'connecting';
    const ws = new WebSocket(this.options.url, {
      headers: { Authorization: `Bearer ${this.options.token}` },
      maxPayload: MAX_UPLINK_MESSAGE_BYTES,
      handshakeTimeout: 10_000,
    });
    this.ws = ws;
    ws.on('open', () => this.opened(ws));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      try {
        this.received(ws, data, isBinary);
      } catch (error) {
        this.log.error({ reason: (error as Error).message }, 'server message could not be handled');
      }
    });
    ws.on('pong', () => (this.alive = true));
    let refused = false;
    ws.on('unexpected-response', (_request, response) => {
      refused = true;
      this.lastError = `server answered HTTP ${response.statusCode} to the upgrade`;
      ws.terminate();
    });
    ws.on('error', (error) => {
      // Terminating a refused upgrade raises its own error; the HTTP status says more.
      if (!refused) this.lastError = error.message;
    });
    ws.on('close', (code) => this.closed(ws, code));
  }

  private opened(ws: WebSocket): void {
    this.status = 'open';
    this.alive = true;
    const heartbeatMs = this.options.heartbeatMs ?? 30_000;
    this.heartbeat = setInterval(() => {
      if (!this.alive) {
        this.lastError = `no pong within ${heartbeatMs} ms`;
        ws.terminate();
        return;
      }
      this.alive = false;
      ws.ping();
    }, heartbeatMs);
    this.heartbeat.unref();
    this.send({ type: 'hello', version: BOX_CONTRACT_VERSION, boxId: this.options.boxId, software: BOX_SOFTWARE, devices: this.options.devices() }, true);
    this.log.info({ url: this.options.url }, 'uplink open, hello sent');
  }

  private closed(ws: WebSocket, code: number): void {
    if (ws !== this.ws) return;
    clearInterval(this.heartbeat);
    this.ws = undefined;
    this.connectedSince = null;
    if (this.status === 'stopped') return;
    const delay = backoffDelay(this.attempt++, this.options.backoff ?? DEFAULT_BACKOFF);
    this.status = 'waiting';
    this.log.warn({ code, reason: this.lastError, retryInMs: delay }, 'uplink down');
    this.retryTimer = setTimeout(() => this.dial(), delay);
  }

  private received(ws: WebSocket, data: RawData, isBinary: boolean): void {
    if (ws !== this.ws) return;
    const text = isBinary ? '' : rawText(data);
    let message;
    try {
      if (isBinary) throw new ContractError('CONTRACT_BAD_JSON', 'binary frames are not part of the contract');
      message = parseServerToBox(text);
    } catch (error) {
      const code = error instanceof ContractError ? error.code : 'CONTRACT_INVALID';
      this.log.warn({ code, reason: (error as Error).message }, 'invalid message from the server ignored');
      this.send({ type: 'error', code, message: (error as Error).message.slice(0, 1000) }, true);
      return;
    }
    switch (message.type) {
      case 'welcome':
        this.status = 'ready';
        this.attempt = 0;
        this.connectedSince = new Date();
        this.serverName = message.name;
        this.lastError = null;
        // The server knows the box by its pairing, which need not be the id the box made for itself.
        this.log.info({ pairedAs: message.boxId, pending: this.options.outbox.size }, 'uplink ready');
        this.options.outbox.rewind();
        this.flush();
        return;
      case 'ack':
        this.options.outbox.ack(message.ids);
        return;
      case 'command': {
        const { commandId, command } = message;
        this.options.onCommand(commandId, command).then(
          () => {
            if (ws === this.ws) this.send({ type: 'commandReceived', commandId }, false);
          },
          (error: Error) => this.log.error({ commandId, reason: error.message }, 'command not journaled; the server will send it again'),
        );
        return;
      }
      case 'error':
        this.log.warn({ code: message.code, reason: message.message }, 'server reported an error');
        return;
    }
  }

  /**
   * Events made while handling one batch of socket reads go out together, in one write, right
   * after it (setImmediate runs before the next batch of I/O), or every FLUSH_EVERY_EVENTS events
   * when the batch is large.
   */
  private scheduleFlush(): void {
    if (++this.readySinceFlush >= FLUSH_EVERY_EVENTS) {
      this.flush();
      return;
    }
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      this.flush();
    });
  }

  /** Sends every ready event not yet sent on this connection (in order within each terminal). */
  private flush(): void {
    this.readySinceFlush = 0;
    const ws = this.ws;
    if (this.status !== 'ready' || !ws || ws.readyState !== WebSocket.OPEN) return;
    // ws writes each message with its own syscall; corking its socket for the pass turns a burst
    // of events into one write. `_socket` is not public API, hence the guard.
    const socket = (ws as unknown as { _socket?: Duplex })._socket;
    const timed: OutboxEntry[] = [];
    socket?.cork();
    try {
      this.options.outbox.drain((entry) => {
        if (ws.bufferedAmount >= MAX_BUFFERED_BYTES) return false;
        // The send that fills the link asks to be called back once written, to go on from there.
        const fills = ws.bufferedAmount + entry.text.length >= MAX_BUFFERED_BYTES;
        ws.send(entry.text, fills ? () => this.scheduleFlush() : undefined);
        if (entry.frameAt !== undefined) timed.push(entry);
        return true;
      });
    } finally {
      socket?.uncork();
    }
    this.recordLatency(timed);
  }

  /** Events caused by a terminal frame, timed once written (a resent event is timed only the first time). */
  private recordLatency(entries: readonly OutboxEntry[]): void {
    const latency = this.options.latency;
    if (latency === undefined || entries.length === 0) return;
    const now = performance.now();
    for (const entry of entries) {
      (entry.durable ? latency.journaledEvent : latency.event).record(now - entry.frameAt!);
      entry.frameAt = undefined;
    }
  }

  private send(message: BoxToServer, validate: boolean): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    const text = JSON.stringify(message);
    if (validate) {
      try {
        parseBoxToServer(text);
      } catch (error) {
        this.log.error({ type: message.type, reason: (error as Error).message }, 'message does not match the contract; not sent');
        return;
      }
    }
    ws.send(text);
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
