import { tagByteLength } from './ber.js';

const encoder = new TextEncoder();

/**
 * A growable byte buffer for the encoder. Constructed TLVs reserve one length
 * byte and move their content only in the rare case it reaches 128 bytes, so
 * encoding is a single pass.
 */
export class ByteWriter {
  buf: Uint8Array;
  pos = 0;

  constructor(initialSize = 256) {
    this.buf = new Uint8Array(initialSize);
  }

  reset(): void {
    this.pos = 0;
  }

  ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
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

  /** UTF-8 text as a primitive TLV; the length counts bytes, not characters. */
  text(tag: number, value: string): void {
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
      this.primitive(tag, encoder.encode(value));
      return;
    }
    this.tag(tag);
    this.u8(value.length);
    this.ensure(value.length);
    const { buf } = this;
    for (let i = 0; i < value.length; i++) buf[this.pos++] = value.charCodeAt(i);
  }

  /** A copy of what was written. */
  result(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}
