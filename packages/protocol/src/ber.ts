import { TlvError, TlvErrorCode } from './errors.js';

/** The longest tag the codec accepts, in bytes (PROTOCOL.md's longest is 3: DF8204). */
export const MAX_TAG_BYTES = 4;
/** The most length bytes a long-form length may use. */
export const MAX_LENGTH_BYTES = 4;
/**
 * How deep constructed TLVs may nest below the body. The protocol's deepest
 * structure is body > A6 > EF > field; the limit keeps a hostile frame of nested
 * groups from exhausting the call stack or costing quadratic time.
 */
export const MAX_NESTING_DEPTH = 16;

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
    // Only the shortest form is accepted, so that every frame the decoder accepts re-encodes to the same bytes.
    if (bytes[this.pos] === 0) throw new TlvError(TlvErrorCode.BadLength, 'long-form length has a leading zero byte', { offset: start });
    let length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[this.pos++]!;
    if (length < 0x80) throw new TlvError(TlvErrorCode.BadLength, `length ${length} must use the short form`, { offset: start });
    return length;
  }

  /** Tag of the TLV last read by readHeader. */
  tag = 0;
  /** Where that TLV starts (its tag's first byte). */
  tlvStart = 0;
  /** Where its value starts. */
  valueStart = 0;

  /**
   * Reads tag and length, checks the value fits in the current range, and
   * returns the value's end; tag, tlvStart and valueStart are left on the reader
   * (no object per TLV: this runs for every field of every frame).
   */
  readHeader(): number {
    const start = this.pos;
    const tag = this.readTag();
    const length = this.readLength();
    const valueStart = this.pos;
    const valueEnd = valueStart + length;
    if (valueEnd > this.end) {
      throw new TlvError(TlvErrorCode.ChildOverrun, `tag ${tag.toString(16).toUpperCase()} needs ${length} bytes, ${this.end - valueStart} left`, {
        offset: start,
      });
    }
    this.tag = tag;
    this.tlvStart = start;
    this.valueStart = valueStart;
    return valueEnd;
  }
}

/**
 * True when the tag number's bytes read back as exactly this tag: one byte whose
 * low five bits are not all set, or a first byte with 1F, continuation bytes with
 * bit 0x80 and a last byte without it.
 */
export function isWellFormedTag(tag: number): boolean {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xffffffff) return false;
  const n = tagByteLength(tag);
  const byteAt = (i: number): number => Math.floor(tag / 256 ** (n - 1 - i)) & 0xff;
  if (n === 1) return (tag & 0x1f) !== 0x1f;
  if ((byteAt(0) & 0x1f) !== 0x1f) return false;
  for (let i = 1; i < n - 1; i++) if ((byteAt(i) & 0x80) === 0) return false;
  return (byteAt(n - 1) & 0x80) === 0;
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
