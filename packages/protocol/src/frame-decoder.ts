import { TlvError, TlvErrorCode } from './errors.js';
import { readU32 } from './field-codec.js';
import { decodeFrameAt, DEFAULT_MAX_FRAME_SIZE, FRAME_HEAD_BYTES, magicAgrees, MIN_PREFIX_VALUE, PREFIX_BYTES } from './frame.js';
import type { Message } from './message.js';

export interface FrameDecoderOptions {
  /**
   * Called for every complete, valid frame, in order, from inside push(). `frame`
   * is a view that is valid only during the call. An exception thrown here
   * propagates out of push() and the rest of that chunk is not read.
   */
  readonly onMessage: (message: Message, frame: Uint8Array) => void;
  /**
   * Called for every error. A frame whose prefix and magic were right but whose
   * content is not (an MDC mismatch, a malformed field) costs only that frame:
   * `error.fatal` is false and decoding goes on. A bad magic or an oversized
   * prefix leaves the stream unreadable: `error.fatal` is true, and the decoder
   * ignores everything after it. Offsets count bytes from the start of the stream.
   */
  readonly onError: (error: TlvError) => void;
  /** Largest frame accepted, length prefix included (default 64 KiB). Checked before anything is buffered. */
  readonly maxFrameSize?: number;
  readonly verifyMdc?: boolean;
}

/** First size of the buffer that holds a frame cut by a chunk boundary; it grows up to maxFrameSize. */
const INITIAL_PENDING_BYTES = 2048;

/**
 * Turns TCP chunks of any size into messages. Whole frames inside a chunk are
 * decoded in place; only a frame cut by a chunk boundary is copied, into one
 * buffer that the decoder reuses, sized from the (already checked) length prefix.
 */
export class FrameDecoder {
  private readonly maxFrameSize: number;
  private readonly verifyMdc: boolean;
  private readonly onMessage: FrameDecoderOptions['onMessage'];
  private readonly onError: FrameDecoderOptions['onError'];
  /** The frame cut by a chunk boundary: its first `pendingFilled` bytes. */
  private pending = new Uint8Array(INITIAL_PENDING_BYTES);
  private pendingFilled = 0;
  /** Size of the pending frame once its prefix is known, prefix included. */
  private pendingSize = 0;
  /** Stream offset of the current frame's first byte. */
  private streamOffset = 0;
  private failedWith: TlvError | undefined;

  constructor(options: FrameDecoderOptions) {
    this.onMessage = options.onMessage;
    this.onError = options.onError;
    this.maxFrameSize = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
    this.verifyMdc = options.verifyMdc ?? true;
    if (!Number.isInteger(this.maxFrameSize) || this.maxFrameSize < FRAME_HEAD_BYTES + 2) {
      throw new RangeError(`maxFrameSize must be an integer of at least ${FRAME_HEAD_BYTES + 2}`);
    }
  }

  /** Bytes held for a frame not yet complete: non-zero means a half-frame is pending. */
  get buffered(): number {
    return this.pendingFilled;
  }

  /** The fatal error that stopped this decoder, if any. */
  get failed(): TlvError | undefined {
    return this.failedWith;
  }

  push(chunk: Uint8Array): void {
    if (this.failedWith) return;
    let offset = 0;
    if (this.pendingFilled > 0) {
      offset = this.continuePending(chunk);
      if (offset < 0) return;
    }
    const length = chunk.length;
    while (offset < length) {
      const available = length - offset;
      if (!this.headIsValid(chunk, offset, available)) return;
      if (available < FRAME_HEAD_BYTES) {
        this.startPending(chunk, offset);
        return;
      }
      const size = readU32(chunk, offset) + PREFIX_BYTES;
      if (available < size) {
        this.startPending(chunk, offset);
        return;
      }
      this.emit(chunk, offset, offset + size);
      this.streamOffset += size;
      offset += size;
    }
  }

  /** Appends to the pending frame; returns where the rest of the chunk starts, or -1 when the chunk is used up or the stream failed. */
  private continuePending(chunk: Uint8Array): number {
    let offset = 0;
    if (this.pendingFilled < FRAME_HEAD_BYTES) {
      offset = Math.min(FRAME_HEAD_BYTES - this.pendingFilled, chunk.length);
      this.append(chunk, 0, offset);
      if (!this.headIsValid(this.pending, 0, this.pendingFilled)) return -1;
      if (this.pendingFilled < FRAME_HEAD_BYTES) return -1;
      this.pendingSize = readU32(this.pending, 0) + PREFIX_BYTES;
    }
    const take = Math.min(this.pendingSize - this.pendingFilled, chunk.length - offset);
    this.append(chunk, offset, offset + take);
    offset += take;
    if (this.pendingFilled < this.pendingSize) return -1;
    const size = this.pendingSize;
    this.pendingFilled = 0;
    this.emit(this.pending, 0, size);
    this.streamOffset += size;
    return offset;
  }

  private startPending(chunk: Uint8Array, offset: number): void {
    this.pendingFilled = 0;
    this.pendingSize = chunk.length - offset >= PREFIX_BYTES ? readU32(chunk, offset) + PREFIX_BYTES : 0;
    this.append(chunk, offset, chunk.length);
  }

  private append(chunk: Uint8Array, from: number, to: number): void {
    const need = this.pendingFilled + (to - from);
    // The size was checked against maxFrameSize before any byte past the head gets here.
    if (need > this.pending.length) {
      const grown = new Uint8Array(Math.max(need, Math.min(this.pending.length * 2, this.maxFrameSize)));
      grown.set(this.pending.subarray(0, this.pendingFilled));
      this.pending = grown;
    }
    this.pending.set(chunk.subarray(from, to), this.pendingFilled);
    this.pendingFilled = need;
  }

  /** Checks what is there of a frame head (prefix, then magic); reports a fatal error when it is wrong. */
  private headIsValid(bytes: Uint8Array, start: number, available: number): boolean {
    if (available >= PREFIX_BYTES) {
      const size = readU32(bytes, start) + PREFIX_BYTES;
      if (size > this.maxFrameSize) {
        this.fail(
          new TlvError(TlvErrorCode.FrameTooLarge, `length prefix announces ${size} bytes, the maximum is ${this.maxFrameSize}`, {
            offset: this.streamOffset,
            fatal: true,
          }),
        );
        return false;
      }
      if (size < MIN_PREFIX_VALUE + PREFIX_BYTES) {
        this.fail(new TlvError(TlvErrorCode.FrameTooSmall, `length prefix ${size - PREFIX_BYTES} is too small`, { offset: this.streamOffset, fatal: true }));
        return false;
      }
    }
    if (!magicAgrees(bytes, start, start + available)) {
      this.fail(
        new TlvError(TlvErrorCode.BadMagic, 'not an Ingenico frame (magic "P4Y-ECR!" expected)', { offset: this.streamOffset + PREFIX_BYTES, fatal: true }),
      );
      return false;
    }
    return true;
  }

  private emit(bytes: Uint8Array, start: number, end: number): void {
    let message: Message;
    try {
      message = decodeFrameAt(bytes, start, end, this.verifyMdc);
    } catch (error) {
      if (!(error instanceof TlvError)) throw error;
      this.onError(error.shifted(this.streamOffset - start, false));
      return;
    }
    this.onMessage(message, bytes.subarray(start, end));
  }

  private fail(error: TlvError): void {
    this.failedWith = error;
    this.pendingFilled = 0;
    this.onError(error);
  }
}
