import type { Socket } from 'node:net';
import { encodeFrame, FrameDecoder, isTyped, SequenceCounter, TlvErrorCode, type Message, type TlvError } from '@kassa/protocol';
import { SessionCloseReason } from '../errors.js';
import type { BoxLatency } from '../latency.js';
import type { Logger } from '../logger.js';
import { byeRequest, byeResponse, helloResponse, keepAliveResponse, type Outgoing } from './messages.js';

export interface SessionOptions {
  readonly ecrId: string;
  readonly keepAliveInterval: string;
  /** A frame begun but not finished after this long closes the connection. */
  readonly halfFrameTimeoutMs: number;
  /** No byte at all for this long closes the connection (keep-alives normally arrive every few seconds). */
  readonly silenceTimeoutMs: number;
  readonly maxFrameSize: number;
  /** Frames with a bad MDC or malformed content tolerated on one connection before it is closed. */
  readonly maxBadFrames: number;
  readonly logger: Logger;
  /** Times each answer from the arrival of the bytes that caused it. */
  readonly latency?: BoxLatency;
}

export interface SessionHandlers {
  /**
   * The connection's first Hello, before it is answered: false when the connection may not speak
   * for that TerminalId (the handler has closed it, and no HelloResponse goes out).
   */
  onClaim(session: TerminalSession): boolean;
  /** The terminal said Hello and was answered: from now on it is a device, known by its TerminalId. */
  onHello(session: TerminalSession): void;
  /** A message after the handshake that the session does not answer itself. */
  onMessage(session: TerminalSession, message: Message): void;
  /** Called once, whatever closed the connection. */
  onClosed(session: TerminalSession, reason: SessionCloseReason, detail: string): void;
  /** Any complete frame after the handshake, keep-alives included: the terminal was seen. */
  onFrame?(session: TerminalSession): void;
}

let connectionCounter = 0;

/**
 * One terminal connection: its own decoder, handshake, keep-alive answers and timers.
 * Anything that goes wrong here closes this connection only.
 */
export class TerminalSession {
  readonly connection = ++connectionCounter;
  readonly address: string;
  readonly openedAt = Date.now();
  /** Epoch ms of the last complete frame. */
  lastFrameAt = Date.now();
  private terminal: string | undefined;
  private protocolId = '00000100';
  private readonly sequence = new SequenceCounter();
  private readonly decoder: FrameDecoder;
  private halfFrameTimer: NodeJS.Timeout | undefined;
  private closedWith: SessionCloseReason | undefined;
  private badFrames = 0;
  private byeWaiter: (() => void) | undefined;
  private readonly log: Logger;

  constructor(
    private readonly socket: Socket,
    private readonly handlers: SessionHandlers,
    private readonly options: SessionOptions,
  ) {
    this.address = socket.remoteAddress ?? 'unknown';
    this.log = options.logger.child({ connection: this.connection, address: this.address });
    this.decoder = new FrameDecoder({
      maxFrameSize: options.maxFrameSize,
      verifyMdc: true,
      onMessage: (message) => this.receive(message),
      onError: (error) => this.decodeFailed(error),
    });
    socket.setNoDelay(true);
    socket.setTimeout(options.silenceTimeoutMs);
    socket.on('data', (chunk: Buffer) => this.data(chunk));
    socket.on('timeout', () => this.close(SessionCloseReason.Silent, `no byte for ${options.silenceTimeoutMs} ms`));
    socket.on('error', (error) => this.close(SessionCloseReason.SocketError, error.message));
    socket.on('close', () => this.close(SessionCloseReason.PeerClosed, 'the terminal closed the connection'));
    this.log.info('terminal connected');
  }

  /** Undefined until the terminal's Hello. */
  get terminalId(): string | undefined {
    return this.terminal;
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  /** Adds the header (echoed ProtocolId, our EcrId, the next sequence number) and writes the frame. */
  send(message: Outgoing): void {
    if (this.closedWith || this.terminal === undefined) return;
    const header = { protocolId: this.protocolId, terminalId: this.terminal, ecrId: this.options.ecrId, sequenceNumber: this.sequence.next() };
    this.socket.write(encodeFrame({ type: message.type, header, body: message.body }));
    const latency = this.options.latency;
    if (latency?.frameAt !== undefined) latency.answer.record(performance.now() - latency.frameAt);
  }

  close(reason: SessionCloseReason, detail: string): void {
    if (this.closedWith) return;
    this.closedWith = reason;
    clearTimeout(this.halfFrameTimer);
    this.socket.setTimeout(0);
    if (reason === SessionCloseReason.Bye || reason === SessionCloseReason.Shutdown) {
      // Let the last frame (ByeResponse) leave before the socket goes.
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 1000).unref();
    } else {
      this.socket.destroy();
    }
    this.byeWaiter?.();
    const level =
      reason === SessionCloseReason.PeerClosed ||
      reason === SessionCloseReason.Bye ||
      reason === SessionCloseReason.Shutdown ||
      reason === SessionCloseReason.Replaced
        ? 'info'
        : 'warn';
    this.log[level]({ terminalId: this.terminal, reason, detail }, 'terminal connection closed');
    this.handlers.onClosed(this, reason, detail);
  }

  /** Graceful stop: ByeRequest, then close on the terminal's ByeResponse or after `waitMs`. */
  bye(waitMs: number): Promise<void> {
    if (this.closedWith) return Promise.resolve();
    if (this.terminal === undefined) {
      this.close(SessionCloseReason.Shutdown, 'the box is stopping');
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.close(SessionCloseReason.Shutdown, 'no ByeResponse'), waitMs);
      this.byeWaiter = () => {
        clearTimeout(timer);
        resolve();
      };
      this.send(byeRequest());
    });
  }

  private data(chunk: Buffer): void {
    if (this.closedWith) return;
    const latency = this.options.latency;
    if (latency) latency.frameAt = performance.now();
    try {
      this.decoder.push(chunk);
    } finally {
      if (latency) latency.frameAt = undefined;
    }
    if (this.closedWith) return;
    // A frame cut by a chunk boundary starts the clock; its completion stops it.
    if (this.decoder.buffered > 0) {
      this.halfFrameTimer ??= setTimeout(
        () => this.close(SessionCloseReason.HalfFrameTimeout, `a frame stayed incomplete for ${this.options.halfFrameTimeoutMs} ms`),
        this.options.halfFrameTimeoutMs,
      );
    } else if (this.halfFrameTimer) {
      clearTimeout(this.halfFrameTimer);
      this.halfFrameTimer = undefined;
    }
  }

  /**
   * A frame whose length prefix and magic were right but whose content is not (a bad MDC, a
   * malformed TLV) is reported and skipped: the stream is still in step. A few of them, or any
   * error that loses the stream (bad magic, huge length), close the connection.
   */
  private decodeFailed(error: TlvError): void {
    const reason = error.code === TlvErrorCode.MdcMismatch ? SessionCloseReason.MdcMismatch : SessionCloseReason.FrameError;
    this.badFrames++;
    if (error.fatal || this.badFrames >= this.options.maxBadFrames) {
      this.close(reason, `${error.code}: ${error.message}`);
      return;
    }
    this.log.warn({ terminalId: this.terminal, code: error.code, offset: error.offset, badFrames: this.badFrames }, 'bad frame skipped');
  }

  private receive(message: Message): void {
    if (this.closedWith) return;
    this.lastFrameAt = Date.now();
    try {
      if (this.terminalId !== undefined) this.handlers.onFrame?.(this);
      this.dispatch(message);
    } catch (error) {
      this.close(SessionCloseReason.InternalError, error instanceof Error ? error.message : String(error));
    }
  }

  private dispatch(message: Message): void {
    if (message.type === 'HelloRequest') {
      this.hello(message);
      return;
    }
    if (this.terminal === undefined) {
      this.close(SessionCloseReason.NoHello, `${message.type} before HelloRequest`);
      return;
    }
    if (message.header.terminalId !== this.terminal) {
      this.close(SessionCloseReason.TerminalIdChanged, `TerminalId ${message.header.terminalId} on the connection of ${this.terminal}`);
      return;
    }
    if (!isTyped(message)) {
      this.handlers.onMessage(this, message);
      return;
    }
    switch (message.type) {
      case 'KeepAliveRequest':
        this.send(keepAliveResponse(message.body.keepAliveReason));
        return;
      case 'ByeRequest':
        this.send(byeResponse());
        this.close(SessionCloseReason.Bye, `the terminal said bye (reason ${message.body.byeReason ?? 'none'})`);
        return;
      case 'ByeResponse':
        if (this.byeWaiter) this.close(SessionCloseReason.Shutdown, 'the box is stopping');
        return;
      default:
        this.handlers.onMessage(this, message);
    }
  }

  private hello(message: Message): void {
    const { terminalId, protocolId } = message.header;
    if (this.terminal !== undefined && terminalId !== this.terminal) {
      this.close(SessionCloseReason.TerminalIdChanged, `Hello from ${terminalId} on the connection of ${this.terminal}`);
      return;
    }
    if (!/^[\x21-\x7e]{1,32}$/.test(terminalId)) {
      this.close(SessionCloseReason.FrameError, 'TerminalId must be 1 to 32 printable characters');
      return;
    }
    const first = this.terminal === undefined;
    this.terminal = terminalId;
    this.protocolId = protocolId;
    if (first && !this.handlers.onClaim(this)) return;
    // A repeated Hello restarts the terminal's view of the connection: our numbering starts again at 0.
    this.sequence.reset();
    this.send(helloResponse(this.options.keepAliveInterval));
    if (first) {
      this.log.info({ terminalId }, 'terminal said hello');
      this.handlers.onHello(this);
    }
  }
}
