import { TlvError, TlvErrorCode } from './errors.js';
import { readU32 } from './field-codec.js';
import { checkMagic, decodeFrame, DEFAULT_MAX_FRAME_SIZE, FRAME_HEAD_BYTES, MIN_PREFIX_VALUE, PREFIX_BYTES } from './frame.js';
import type { Message } from './message.js';

export interface FrameDecoderOptions {
  /** Called for every complete, valid frame, in order. `frame` is a view that is valid only during the call. */
  readonly onMessage: (message: Message, frame: Uint8Array) => void;
  /**
   * Called for every error. A frame whose prefix and magic were right but whose
   * content is not (an MDC mismatch, a malformed field) costs only that frame:
   * `error.fatal` is false and decoding goes on. A bad magic or an oversized
   * prefix leaves the stream unreadable: `error.fatal` is true, and the decoder
   * ignores everything after it.
   */
  readonly onError: (error: TlvError) => void;
  /** Largest frame accepted, length prefix included (default 64 KiB). Checked before anything is buffered. */
  readonly maxFrameSize?: number;
  readonly verifyMdc?: boolean;
}

/**
 * Turns TCP chunks of any size into messages. Whole frames inside a chunk are
 * decoded in place; only a frame cut by a chunk boundary is copied, into a
 * buffer sized from its (already checked) length prefix.
 */
export class FrameDecoder {
  private readonly maxFrameSize: number;
  private readonly verifyMdc: boolean;
  private readonly onMessage: FrameDecoderOptions['onMessage'];
  private readonly onError: FrameDecoderOptions['onError'];
  /** Bytes of the current partial frame, up to its head (prefix + magic). */
  private readonly head = new Uint8Array(FRAME_HEAD_BYTES);
  private headLength = 0;
  /** The partial frame once its size is known. */
  private frame: Uint8Array | undefined;
  private frameFilled = 0;
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
    return this.frame ? this.frameFilled : this.headLength;
  }

  /** The fatal error that stopped this decoder, if any. */
  get failed(): TlvError | undefined {
    return this.failedWith;
  }

  push(chunk: Uint8Array): void {
    let offset = 0;
    if (this.failedWith) return;
    if (this.headLength > 0 || this.frame) {
      offset = this.continuePartial(chunk);
      if (offset < 0) return;
    }
    const length = chunk.length;
    while (offset < length) {
      const available = length - offset;
      if (available >= PREFIX_BYTES) {
        const size = readU32(chunk, offset) + PREFIX_BYTES;
        if (!this.checkSize(size)) return;
        if (!this.checkMagicIn(chunk, offset, length)) return;
        if (available >= size) {
          this.emit(chunk.subarray(offset, offset + size));
          this.streamOffset += size;
          offset += size;
          continue;
        }
      }
      this.startPartial(chunk, offset);
      return;
    }
  }

  /** Appends to the pending partial frame; returns where the rest of the chunk starts, or -1 when the chunk is used up or failed. */
  private continuePartial(chunk: Uint8Array): number {
    let offset = 0;
    if (!this.frame) {
      const take = Math.min(FRAME_HEAD_BYTES - this.headLength, chunk.length);
      const before = this.headLength;
      this.head.set(chunk.subarray(0, take), before);
      this.headLength += take;
      offset = take;
      if (before < PREFIX_BYTES && this.headLength >= PREFIX_BYTES) {
        if (!this.checkSize(readU32(this.head, 0) + PREFIX_BYTES)) return -1;
      }
      if (!this.checkMagicIn(this.head, 0, this.headLength)) return -1;
      if (this.headLength < PREFIX_BYTES) return -1;
      const size = readU32(this.head, 0) + PREFIX_BYTES;
      if (this.headLength < Math.min(FRAME_HEAD_BYTES, size)) return -1;
      this.frame = new Uint8Array(size);
      this.frame.set(this.head.subarray(0, this.headLength));
      this.frameFilled = this.headLength;
      this.headLength = 0;
    }
    const frame = this.frame;
    const take = Math.min(frame.length - this.frameFilled, chunk.length - offset);
    frame.set(chunk.subarray(offset, offset + take), this.frameFilled);
    this.frameFilled += take;
    offset += take;
    if (this.frameFilled < frame.length) return -1;
    this.frame = undefined;
    this.frameFilled = 0;
    this.emit(frame);
    this.streamOffset += frame.length;
    return offset;
  }

  private startPartial(chunk: Uint8Array, offset: number): void {
    const rest = chunk.length - offset;
    if (rest < FRAME_HEAD_BYTES) {
      this.head.set(chunk.subarray(offset), 0);
      this.headLength = rest;
      return;
    }
    const size = readU32(chunk, offset) + PREFIX_BYTES;
    this.frame = new Uint8Array(size);
    this.frame.set(chunk.subarray(offset));
    this.frameFilled = rest;
  }

  private checkSize(size: number): boolean {
    if (size > this.maxFrameSize) {
      this.fail(new TlvError(TlvErrorCode.FrameTooLarge, `length prefix announces ${size} bytes, the maximum is ${this.maxFrameSize}`, { offset: this.streamOffset, fatal: true }));
      return false;
    }
    if (size < MIN_PREFIX_VALUE + PREFIX_BYTES) {
      this.fail(new TlvError(TlvErrorCode.FrameTooSmall, `length prefix ${size - PREFIX_BYTES} is too small`, { offset: this.streamOffset, fatal: true }));
      return false;
    }
    return true;
  }

  private checkMagicIn(bytes: Uint8Array, frameStart: number, available: number): boolean {
    try {
      checkMagic(bytes, frameStart, available);
      return true;
    } catch (error) {
      this.fail((error as TlvError).shifted(this.streamOffset, true));
      return false;
    }
  }

  private emit(frame: Uint8Array): void {
    let message: Message;
    try {
      message = decodeFrame(frame, { verifyMdc: this.verifyMdc });
    } catch (error) {
      if (!(error instanceof TlvError)) throw error;
      this.onError(error.shifted(this.streamOffset, false));
      return;
    }
    this.onMessage(message, frame);
  }

  private fail(error: TlvError): void {
    this.failedWith = error;
    this.frame = undefined;
    this.headLength = 0;
    this.onError(error);
  }
}
