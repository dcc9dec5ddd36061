import { tagByteLength } from './ber.js';

const encoder = new TextEncoder();
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function newSlab(size: number): Uint8Array {
  return new Uint8Array(size);
}

/** Room a slab must still have for a new frame to start in it. */
const MIN_ROOM = 2048;

/**
 * A growable byte buffer for the encoder. Constructed TLVs reserve one length
 * byte and move their content only in the rare case it reaches 128 bytes, so
 * encoding is a single pass.
 *
 * Frames are written one after the other into a slab and handed out as views
 * of it (as Node's Buffer pool does), because allocating an ArrayBuffer per
 * frame cost more than the encoding itself. A handed-out range is never
 * written again; a slab without room is left to the frames that use it.
 */
export class ByteWriter {
  buf: Uint8Array;
  pos = 0;
  /** Where the frame being written starts in `buf`. */
  base = 0;

  private view: DataView;

  constructor(private readonly slabSize = 16 * 1024) {
    if (slabSize < 2 * MIN_ROOM) throw new RangeError(`a slab holds at least ${2 * MIN_ROOM} bytes`);
    this.buf = newSlab(slabSize);
    this.view = new DataView(this.buf.buffer);
  }

  /** Starts a new frame after the ones already handed out. */
  reset(): void {
    if (this.buf.length - this.pos < MIN_ROOM) {
      this.setBuffer(newSlab(this.slabSize));
      this.pos = 0;
    }
    this.base = this.pos;
  }

  ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    // Same positions in the new buffer: callers hold offsets of TLVs still open.
    next.set(this.buf.subarray(this.base, this.pos), this.base);
    this.setBuffer(next);
  }

  private setBuffer(buf: Uint8Array): void {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  u8(value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = value;
  }

  u32(value: number): void {
    this.ensure(4);
    const { buf } = this;
    buf[this.pos++] = (value >>> 24) & 0xff;
    buf[this.pos++] = (value >>> 16) & 0xff;
    buf[this.pos++] = (value >>> 8) & 0xff;
    buf[this.pos++] = value & 0xff;
  }

  bytes(value: Uint8Array): void {
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  tag(tag: number): void {
    const n = tagByteLength(tag);
    this.ensure(n);
    for (let i = n - 1; i >= 0; i--) this.buf[this.pos++] = Math.floor(tag / 256 ** i) & 0xff;
  }

  /** Writes tag and a placeholder length; returns where the value starts. */
  begin(tag: number): number {
    this.tag(tag);
    this.u8(0);
    return this.pos;
  }

  /**
   * Fills in the length of the TLV whose value started at `valueStart`, moving
   * the value when the length needs the long form. Returns the value's final start.
   */
  end(valueStart: number): number {
    const length = this.pos - valueStart;
    if (length < 0x80) {
      this.buf[valueStart - 1] = length;
      return valueStart;
    }
    const extra = length < 0x100 ? 1 : length < 0x10000 ? 2 : length < 0x1000000 ? 3 : 4;
    this.ensure(extra);
    const { buf } = this;
    buf.copyWithin(valueStart + extra, valueStart, this.pos);
    buf[valueStart - 1] = 0x80 | extra;
    for (let i = 0; i < extra; i++) buf[valueStart + i] = (length >>> (8 * (extra - 1 - i))) & 0xff;
    this.pos += extra;
    return valueStart + extra;
  }

  /** A primitive TLV whose value is already known. */
  primitive(tag: number, value: Uint8Array): void {
    this.tag(tag);
    this.length(value.length);
    this.bytes(value);
  }

  length(length: number): void {
    if (length < 0x80) {
      this.u8(length);
      return;
    }
    const extra = length < 0x100 ? 1 : length < 0x10000 ? 2 : length < 0x1000000 ? 3 : 4;
    this.u8(0x80 | extra);
    for (let i = extra - 1; i >= 0; i--) this.u8((length >>> (8 * i)) & 0xff);
  }

  /**
   * UTF-8 text as a primitive TLV; the length counts bytes, not characters.
   * Returns false, having written nothing, when the text holds a lone surrogate
   * (UTF-8 cannot carry it: it would come back as U+FFFD).
   */
  text(tag: number, value: string): boolean {
    let ascii = value.length < 0x80;
    if (ascii) {
      for (let i = 0; i < value.length; i++) {
        if (value.charCodeAt(i) >= 0x80) {
          ascii = false;
          break;
        }
      }
    }
    if (!ascii) {
      if (LONE_SURROGATE.test(value)) return false;
      this.primitive(tag, encoder.encode(value));
      return true;
    }
    this.tag(tag);
    this.u8(value.length);
    this.ensure(value.length);
    const { buf } = this;
    for (let i = 0; i < value.length; i++) buf[this.pos++] = value.charCodeAt(i);
    return true;
  }

  /** Packed BCD of a digit string; returns false, having written nothing, unless it is an even number of digits. */
  bcd(tag: number, digits: string): boolean {
    const n = digits.length;
    if (n % 2 !== 0) return false;
    for (let i = 0; i < n; i++) {
      const c = digits.charCodeAt(i);
      if (c < 48 || c > 57) return false;
    }
    this.tag(tag);
    this.length(n / 2);
    this.ensure(n / 2);
    const { buf } = this;
    for (let i = 0; i < n; i += 2) buf[this.pos++] = ((digits.charCodeAt(i) - 48) << 4) | (digits.charCodeAt(i + 1) - 48);
    return true;
  }

  /** A bigint as 8 big-endian bytes (the caller checked 0 <= value < 2^64). */
  u64(value: bigint): void {
    this.ensure(8);
    this.view.setBigUint64(this.pos, value);
    this.pos += 8;
  }

  /** The frame written since the last reset, as a view of the slab. */
  result(): Uint8Array {
    const frame = this.buf.subarray(this.base, this.pos);
    this.base = this.pos;
    return frame;
  }
}
