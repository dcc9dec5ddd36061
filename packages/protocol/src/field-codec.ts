import { MAX_NESTING_DEPTH, TlvReader } from './ber.js';
import type { ByteWriter } from './byte-writer.js';
import { TlvError, TlvErrorCode } from './errors.js';
import { tagToHex } from './hex.js';
import { FIXED_WIDTH, isRawKey, RECORD_TAG, TAG_BY_NAME, TAG_BY_NUMBER, type RawKey, type TagSpec } from './tags.js';

type Fields = Record<string, unknown>;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes a sequence of body TLVs into named fields, in wire order. */
export function decodeFields(bytes: Uint8Array, start: number, end: number, depth = 0): Fields {
  if (depth > MAX_NESTING_DEPTH) {
    throw new TlvError(TlvErrorCode.BadStructure, `groups nest deeper than ${MAX_NESTING_DEPTH} levels`, { offset: start });
  }
  const out: Fields = {};
  const reader = new TlvReader(bytes, start, end);
  while (reader.pos < end) {
    const fieldStart = reader.pos;
    const tag = reader.readTag();
    const length = reader.readLength();
    const valueStart = reader.pos;
    const valueEnd = valueStart + length;
    if (valueEnd > end) {
      throw new TlvError(TlvErrorCode.ChildOverrun, `tag ${tagToHex(tag)} needs ${length} bytes, ${end - valueStart} left`, { offset: fieldStart });
    }
    reader.pos = valueEnd;
    const spec = TAG_BY_NUMBER.get(tag);
    if (spec === undefined || spec.name in out) {
      out[rawKeyFor(out, tag)] = bytes.slice(valueStart, valueEnd);
      continue;
    }
    if (spec.format === 'records') {
      const records = decodeRecords(bytes, valueStart, valueEnd, depth + 1);
      if (records) out[spec.name] = records;
      else out[rawKeyFor(out, tag)] = bytes.slice(valueStart, valueEnd);
      continue;
    }
    out[spec.name] = decodeValue(spec, bytes, valueStart, valueEnd, fieldStart, depth);
  }
  return out;
}

function rawKeyFor(out: Fields, tag: number): RawKey {
  const base = `tag${tagToHex(tag)}` as const;
  if (!(base in out)) return base;
  for (let n = 2; ; n++) {
    const key = `${base}_${n}` as const;
    if (!(key in out)) return key;
  }
}

/** A ticket list: every child must be an EF record, otherwise the caller keeps the group raw. */
export function decodeRecords(bytes: Uint8Array, start: number, end: number, depth: number): Fields[] | undefined {
  const records: Fields[] = [];
  const reader = new TlvReader(bytes, start, end);
  while (reader.pos < end) {
    const { tag, valueStart, valueEnd } = reader.readHeader();
    if (tag !== RECORD_TAG) return undefined;
    reader.pos = valueEnd;
    records.push(decodeFields(bytes, valueStart, valueEnd, depth + 1));
  }
  return records;
}

function decodeValue(spec: TagSpec, bytes: Uint8Array, start: number, end: number, at: number, depth: number): unknown {
  const length = end - start;
  const width = FIXED_WIDTH[spec.format];
  if (width !== undefined && length !== width) {
    throw new TlvError(TlvErrorCode.BadValue, `${spec.name} must be ${width} bytes, not ${length}`, { offset: at });
  }
  switch (spec.format) {
    case 'u8':
      return bytes[start]!;
    case 'u16':
      return (bytes[start]! << 8) | bytes[start + 1]!;
    case 'u32':
      return readU32(bytes, start);
    case 'u64':
      return (BigInt(readU32(bytes, start)) << 32n) | BigInt(readU32(bytes, start + 4));
    case 'amount':
      return Number(decodeBcd(spec, bytes, start, end, at));
    case 'bcd':
      return decodeBcd(spec, bytes, start, end, at);
    case 'text':
      return decodeText(bytes, start, end);
    case 'bytes':
      return bytes.slice(start, end);
    case 'group':
      return decodeFields(bytes, start, end, depth + 1);
    case 'records':
      throw new TlvError(TlvErrorCode.BadValue, `${spec.name} is a record list`, { offset: at });
  }
}

export function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

const DIGITS = '0123456789';

function decodeBcd(spec: TagSpec, bytes: Uint8Array, start: number, end: number, at: number): string {
  let digits = '';
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    const hi = b >> 4;
    const lo = b & 15;
    if (hi > 9 || lo > 9) throw new TlvError(TlvErrorCode.BadValue, `${spec.name} is not BCD`, { offset: at });
    digits += DIGITS[hi]! + DIGITS[lo]!;
  }
  return digits;
}

/**
 * UTF-8 text. Bytes that are not UTF-8 are read as Latin-1 so that a ticket in a
 * legacy code page still arrives; such a field re-encodes as UTF-8.
 */
export function decodeText(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= 48) {
    let text = '';
    let i = start;
    for (; i < end; i++) {
      const b = bytes[i]!;
      if (b >= 0x80) break;
      text += String.fromCharCode(b);
    }
    if (i === end) return text;
  }
  const view = bytes.subarray(start, end);
  try {
    return utf8.decode(view);
  } catch {
    let text = '';
    for (const b of view) text += String.fromCharCode(b);
    return text;
  }
}

/** Encodes named fields (and raw `tag…` keys) in the order of the object's keys. */
export function encodeFields(w: ByteWriter, fields: object, path: string, depth = 0): void {
  if (depth > MAX_NESTING_DEPTH) throw badValue(path, `nests deeper than ${MAX_NESTING_DEPTH} levels`);
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const at = `${path}.${key}`;
    if (isRawKey(key)) {
      if (!(value instanceof Uint8Array)) throw badValue(at, 'a raw field must be bytes');
      const tag = parseRawKey(key, at);
      checkRawKnownTag(fields, key, tag, value, at, depth);
      w.primitive(tag, value);
      continue;
    }
    const spec = TAG_BY_NAME.get(key);
    if (spec === undefined) throw badValue(at, 'is not a field of the protocol');
    encodeValue(w, spec, value, at, depth);
  }
}

/**
 * The decoder reads a known tag by its name the first time it appears and keeps
 * later occurrences raw. A raw key of a known tag is therefore only written after
 * its named field, or for a ticket list that is not made of EF records (the one
 * case the decoder keeps raw on first sight); otherwise the bytes would decode
 * to a different message, or not at all.
 */
function checkRawKnownTag(fields: object, key: string, tag: number, value: Uint8Array, at: string, depth: number): void {
  const spec = TAG_BY_NUMBER.get(tag);
  if (spec === undefined) return;
  const keys = Object.keys(fields);
  const named = keys.indexOf(spec.name);
  if (named >= 0 && named < keys.indexOf(key) && (fields as Fields)[spec.name] !== undefined) return;
  if (spec.format === 'records') {
    let records: Fields[] | undefined;
    try {
      records = decodeRecords(value, 0, value.length, depth + 1);
    } catch {
      throw badValue(at, 'is not a sequence of TLVs');
    }
    if (records === undefined) return;
  }
  throw badValue(at, `tag ${tagToHex(tag)} is the field "${spec.name}": write it under that name first`);
}

function encodeValue(w: ByteWriter, spec: TagSpec, value: unknown, at: string, depth: number): void {
  switch (spec.format) {
    case 'u8':
    case 'u16':
    case 'u32': {
      const width = FIXED_WIDTH[spec.format]!;
      if (!Number.isInteger(value) || (value as number) < 0 || (value as number) >= 2 ** (8 * width)) {
        throw badValue(at, `must be an integer from 0 to ${2 ** (8 * width) - 1}`);
      }
      w.tag(spec.tag);
      w.u8(width);
      for (let i = width - 1; i >= 0; i--) w.u8(Math.floor((value as number) / 256 ** i) & 0xff);
      return;
    }
    case 'u64': {
      const big = typeof value === 'bigint' ? value : Number.isSafeInteger(value) ? BigInt(value as number) : -1n;
      if (big < 0n || big >= 1n << 64n) throw badValue(at, 'must be an integer from 0 to 2^64-1');
      w.tag(spec.tag);
      w.u8(8);
      w.u32(Number(big >> 32n));
      w.u32(Number(big & 0xffffffffn));
      return;
    }
    case 'amount':
      if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 99_999_999) {
        throw badValue(at, 'must be integer minor units from 0 to 99999999');
      }
      writeBcd(w, spec.tag, String(value).padStart(8, '0'));
      return;
    case 'bcd':
      if (typeof value !== 'string' || !/^(\d\d)*$/.test(value)) throw badValue(at, 'must be an even number of decimal digits');
      writeBcd(w, spec.tag, value);
      return;
    case 'text':
      if (!isText(value)) throw badValue(at, 'must be text (a string without lone surrogates)');
      w.text(spec.tag, value);
      return;
    case 'bytes':
      if (!(value instanceof Uint8Array)) throw badValue(at, 'must be bytes');
      w.primitive(spec.tag, value);
      return;
    case 'group': {
      if (!isPlainObject(value)) throw badValue(at, 'must be a group of fields');
      const start = w.begin(spec.tag);
      encodeFields(w, value, at, depth + 1);
      w.end(start);
      return;
    }
    case 'records': {
      if (!Array.isArray(value)) throw badValue(at, 'must be a list of records');
      const start = w.begin(spec.tag);
      value.forEach((record: unknown, i) => {
        if (!isPlainObject(record)) throw badValue(`${at}[${i}]`, 'must be a record of fields');
        const recordStart = w.begin(RECORD_TAG);
        encodeFields(w, record, `${at}[${i}]`, depth + 2);
        w.end(recordStart);
      });
      w.end(start);
      return;
    }
  }
}

/** Packed BCD of a digit string whose length is even (checked by the caller). */
export function writeBcd(w: ByteWriter, tag: number, digits: string): void {
  w.tag(tag);
  w.length(digits.length / 2);
  for (let i = 0; i < digits.length; i += 2) {
    w.u8(((digits.charCodeAt(i) - 48) << 4) | (digits.charCodeAt(i + 1) - 48));
  }
}

/** The tag number of a raw key (`tag9F01`, `tag0E_2`), checked to be a well-formed BER tag. */
export function parseRawKey(key: string, at: string): number {
  const match = /^tag([0-9A-Fa-f]{2,8})(?:_\d+)?$/.exec(key);
  if (!match) throw badValue(at, 'a raw key is "tag" and the tag in hex');
  const hex = match[1]!;
  const bytes: number[] = [];
  for (let i = 0; i < hex.length; i += 2) bytes.push(parseInt(hex.slice(i, i + 2), 16));
  const multi = (bytes[0]! & 0x1f) === 0x1f;
  const wellFormed = multi
    ? bytes.length >= 2 && bytes.slice(1, -1).every((b) => (b & 0x80) !== 0) && (bytes[bytes.length - 1]! & 0x80) === 0
    : bytes.length === 1;
  if (!wellFormed) throw badValue(at, `${hex} is not a well-formed tag`);
  return bytes.reduce((tag, b) => tag * 256 + b, 0);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A string that UTF-8 can carry: a lone surrogate would come back as U+FFFD. */
export function isText(value: unknown): value is string {
  return typeof value === 'string' && !LONE_SURROGATE.test(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function badValue(path: string, reason: string): TlvError {
  return new TlvError(TlvErrorCode.BadValue, `${path} ${reason}`, { path });
}
