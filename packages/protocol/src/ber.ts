import { TlvError, TlvErrorCode } from './errors.js';

/** The longest tag the codec accepts, in bytes (PROTOCOL.md's longest is 3: DF8204). */
export const MAX_TAG_BYTES = 4;
/** The most length bytes a long-form length may use. */
export const MAX_LENGTH_BYTES = 4;

/** A constructed tag carries a sequence of TLVs: BER's bit 0x20 of the first tag byte. */
export function isConstructed(tag: number): boolean {
  return (firstTagByte(tag) & 0x20) !== 0;
}

function firstTagByte(tag: number): number {
  let first = tag;
  while (first > 0xff) first = Math.floor(first / 256);
  return first;
}

/**
 * Reads BER tags and lengths from a byte range, advancing `pos`. Bounds are
 * checked on every read, so a malformed input raises TlvError and nothing else.
 */
export class TlvReader {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start: number,
    public end: number,
  ) {
    this.pos = start;
  }

  readTag(): number {
    const { bytes } = this;
    const start = this.pos;
    if (start >= this.end) throw new TlvError(TlvErrorCode.Truncated, 'tag expected', { offset: start });
    let tag = bytes[start]!;
    this.pos = start + 1;
    if ((tag & 0x1f) !== 0x1f) return tag;
    for (let count = 1; ; count++) {
      if (count >= MAX_TAG_BYTES) throw new TlvError(TlvErrorCode.BadTag, `tag longer than ${MAX_TAG_BYTES} bytes`, { offset: start });
      if (this.pos >= this.end) throw new TlvError(TlvErrorCode.BadTag, 'multi-byte tag is cut off', { offset: start });
      const b = bytes[this.pos++]!;
      tag = tag * 256 + b;
      if ((b & 0x80) === 0) return tag;
    }
  }

  readLength(): number {
    const { bytes } = this;
    const start = this.pos;
    if (start >= this.end) throw new TlvError(TlvErrorCode.Truncated, 'length expected', { offset: start });
    const first = bytes[start]!;
    this.pos = start + 1;
    if (first < 0x80) return first;
    const count = first & 0x7f;
    if (count === 0) throw new TlvError(TlvErrorCode.BadLength, 'indefinite length is not allowed', { offset: start });
    if (count > MAX_LENGTH_BYTES) throw new TlvError(TlvErrorCode.BadLength, `length uses ${count} bytes`, { offset: start });
    if (start + 1 + count > this.end) throw new TlvError(TlvErrorCode.BadLength, 'long-form length is cut off', { offset: start });
    let length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[this.pos++]!;
    return length;
  }

  /** Reads tag and length, checks the value fits in the current range, returns the value's end. */
  readHeader(): { tag: number; valueStart: number; valueEnd: number; start: number } {
    const start = this.pos;
    const tag = this.readTag();
    const length = this.readLength();
    const valueStart = this.pos;
    const valueEnd = valueStart + length;
    if (valueEnd > this.end) {
      throw new TlvError(TlvErrorCode.ChildOverrun, `tag ${tag.toString(16).toUpperCase()} needs ${length} bytes, ${this.end - valueStart} left`, { offset: start });
    }
    return { tag, valueStart, valueEnd, start };
  }
}

/** Number of bytes BER needs for a tag number. */
export function tagByteLength(tag: number): number {
  let n = 1;
  while (tag > 0xff) {
    tag = Math.floor(tag / 256);
    n++;
  }
  return n;
}
