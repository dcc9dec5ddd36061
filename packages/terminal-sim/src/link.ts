import type { Socket } from 'node:net';
import {
  encodeFrame,
  FrameDecoder,
  isTyped,
  messageToJson,
  SequenceCounter,
  toHex,
  TYPED_MESSAGE_IDS,
  type Body,
  type Header,
  type Message,
  type TlvError,
  type TypedMessageName,
} from '@kassa/protocol';
import { SimError, SimErrorCode } from './errors.js';
import { randomInt, type Random } from './random.js';

const END_GRACE_MS = 1000;

export interface LinkOptions {
  readonly socket: Socket;
  readonly terminalId: string;
  readonly protocolId: string;
  /** Write every frame in random pieces of 1 to 7 bytes, one piece per event-loop turn. */
  readonly split: boolean;
  readonly random: Random;
  readonly log: ((line: Record<string, unknown>) => void) | undefined;
  readonly onMessage: (message: Message) => void;
  /** Called once, when the socket is gone; `error` says why when it was not a plain close. */
  readonly onClose: (error: SimError | undefined) => void;
}

/**
 * One TCP connection to the box: frames out with this side's sequence numbers,
 * frames in checked for MDC and for the box's sequence (0 in the HelloResponse,
 * then +1 modulo 65536). A wrong frame or number closes the connection, as a
 * terminal does.
 */
export class Link {
  private readonly socket: Socket;
  private readonly options: LinkOptions;
  private readonly decoder: FrameDecoder;
  private readonly outgoing = new SequenceCounter();
  private expectedIncoming = 0;
  private open = true;
  private pieces: Uint8Array[] = [];
  private flushing = false;
  /** The EcrId the box gave in its HelloResponse; echoed in every later header. */
  ecrId: string | undefined;

  constructor(options: LinkOptions) {
    this.options = options;
    this.socket = options.socket;
    this.decoder = new FrameDecoder({
      onMessage: (message) => this.receive(message),
      onError: (error) => this.rejectFrame(error),
    });
    this.socket.on('data', (chunk: Buffer) => this.decoder.push(chunk));
    this.socket.on('error', (error) => this.shut(new SimError(SimErrorCode.Socket, error.message, { cause: error })));
    this.socket.on('close', () => this.shut(undefined));
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** The header of the next frame this side sends (the sequence number is not taken). */
  nextHeader(): Header {
    return this.header(this.outgoing.peek());
  }

  /** Sends a typed message; false when the connection is already gone. */
  send(type: TypedMessageName, body: Body): boolean {
    if (!this.open) return false;
    const header = this.header(this.outgoing.next());
    const frame = encodeFrame({ type, header, body });
    if (this.options.log)
      this.options.log({
        dir: 'out',
        type,
        header: { ...header },
        body: messageToJson({ type, typeId: TYPED_MESSAGE_IDS[type], header, body }).body ?? {},
        bytes: frame.length,
      });
    this.write(frame);
    return true;
  }

  /** Writes bytes as they are (raw hex steps, junk). */
  sendRaw(bytes: Uint8Array, what: string): boolean {
    if (!this.open) return false;
    if (this.options.log) this.options.log({ dir: 'out', type: what, hex: toHex(bytes) });
    this.write(bytes);
    return true;
  }

  /** Closes the connection now (no Bye); `error` is reported to onClose. */
  close(error?: SimError): void {
    if (!this.open) return;
    this.shut(error);
    this.socket.destroy();
  }

  /** Half-closes after the pending writes (after a Bye); a box that never closes its side is cut off after a second. */
  end(): void {
    if (!this.open) return;
    this.socket.end();
    setTimeout(() => this.close(), END_GRACE_MS).unref();
  }

  private header(sequenceNumber: number): Header {
    const { terminalId, protocolId } = this.options;
    return this.ecrId === undefined ? { protocolId, terminalId, sequenceNumber } : { protocolId, terminalId, ecrId: this.ecrId, sequenceNumber };
  }

  private write(bytes: Uint8Array): void {
    if (!this.options.split) {
      this.socket.write(bytes);
      return;
    }
    let offset = 0;
    while (offset < bytes.length) {
      const size = randomInt(this.options.random, 1, 7);
      this.pieces.push(bytes.subarray(offset, offset + size));
      offset += size;
    }
    if (!this.flushing) this.flushPiece();
  }

  private flushPiece(): void {
    const piece = this.pieces.shift();
    if (piece === undefined || !this.open) {
      this.flushing = false;
      return;
    }
    this.flushing = true;
    this.socket.write(piece);
    setImmediate(() => this.flushPiece());
  }

  private receive(message: Message): void {
    if (!this.open) return;
    const { sequenceNumber } = message.header;
    if (this.options.log) this.options.log({ dir: 'in', ...messageToJson(message) });
    if (sequenceNumber !== this.expectedIncoming) {
      this.close(new SimError(SimErrorCode.BadSequence, `${message.type} carries sequence number ${sequenceNumber}, ${this.expectedIncoming} expected`));
      return;
    }
    this.expectedIncoming = (sequenceNumber + 1) & 0xffff;
    if (isTyped(message) && message.type === 'HelloResponse' && message.header.ecrId !== undefined) this.ecrId = message.header.ecrId;
    this.options.onMessage(message);
  }

  private rejectFrame(error: TlvError): void {
    if (this.options.log) this.options.log({ dir: 'in', error: error.code, message: error.message });
    this.close(new SimError(SimErrorCode.BadFrame, error.message, { cause: error }));
  }

  private shut(error: SimError | undefined): void {
    if (!this.open) return;
    this.open = false;
    this.pieces = [];
    this.options.onClose(error);
  }
}
