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
    const valueEnd = reader.readHeader();
    const { tag, valueStart, tlvStart: fieldStart } = reader;
    reader.pos = valueEnd;
    const spec = TAG_BY_NUMBER.get(tag);
    if (spec === undefined || out[spec.name] !== undefined) {
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
    const valueEnd = reader.readHeader();
    if (reader.tag !== RECORD_TAG) return undefined;
    reader.pos = valueEnd;
    records.push(decodeFields(bytes, reader.valueStart, valueEnd, depth + 1));
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
    case 'amount': {
      const cents = bcdNumber(bytes, start, end);
      if (cents < 0) throw new TlvError(TlvErrorCode.BadValue, `${spec.name} is not BCD`, { offset: at });
      return cents;
    }
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

/** The two digits of each packed-BCD byte; undefined where a nibble is above 9. */
const BCD_PAIRS: readonly (string | undefined)[] = Array.from({ length: 256 }, (_, b) => (b >> 4 > 9 || (b & 15) > 9 ? undefined : `${b >> 4}${b & 15}`));

/** The digits of packed BCD, or undefined when a nibble is not a decimal digit. */
export function bcdString(bytes: Uint8Array, start: number, end: number): string | undefined {
  let digits = '';
  for (let i = start; i < end; i++) {
    const pair = BCD_PAIRS[bytes[i]!];
    if (pair === undefined) return undefined;
    digits += pair;
  }
  return digits;
}

/** The value of packed BCD as a number, or -1 when a nibble is not a decimal digit. */
export function bcdNumber(bytes: Uint8Array, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    const hi = b >> 4;
    const lo = b & 15;
    if (hi > 9 || lo > 9) return -1;
    value = value * 100 + hi * 10 + lo;
  }
  return value;
}

function decodeBcd(spec: TagSpec, bytes: Uint8Array, start: number, end: number, at: number): string {
  const digits = bcdString(bytes, start, end);
  if (digits === undefined) throw new TlvError(TlvErrorCode.BadValue, `${spec.name} is not BCD`, { offset: at });
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
  // for-in with an own-property check: the keys in their order, without an array of entries per group.
  for (const key in fields) {
    if (!Object.prototype.hasOwnProperty.call(fields, key)) continue;
    const value = (fields as Fields)[key];
    if (value === undefined) continue;
    if (isRawKey(key)) {
      const at = `${path}.${key}`;
      if (!(value instanceof Uint8Array)) throw badValue(at, 'a raw field must be bytes');
      const tag = parseRawKey(key, at);
      checkRawKnownTag(fields, key, tag, value, at, depth);
      w.primitive(tag, value);
      continue;
    }
    const spec = TAG_BY_NAME.get(key);
    if (spec === undefined) throw badValue(`${path}.${key}`, 'is not a field of the protocol');
    encodeValue(w, spec, value, path, key, depth);
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

// The field's path is only built when it is needed: for an error or a nested group.
function encodeValue(w: ByteWriter, spec: TagSpec, value: unknown, path: string, key: string, depth: number): void {
  switch (spec.format) {
    case 'u8':
    case 'u16':
    case 'u32': {
      const width = FIXED_WIDTH[spec.format]!;
      const max = MAX_UINT[width]!;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max)
        throw badValue(`${path}.${key}`, `must be an integer from 0 to ${max}`);
      w.tag(spec.tag);
      w.u8(width);
      if (width === 4) w.u32(value);
      else if (width === 2) {
        w.u8(value >>> 8);
        w.u8(value & 0xff);
      } else w.u8(value);
      return;
    }
    case 'u64': {
      const big = typeof value === 'bigint' ? value : Number.isSafeInteger(value) ? BigInt(value as number) : -1n;
      if (big < 0n || big > MAX_U64) throw badValue(`${path}.${key}`, 'must be an integer from 0 to 2^64-1');
      w.tag(spec.tag);
      w.u8(8);
      w.u64(big);
      return;
    }
    case 'amount':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 99_999_999) {
        throw badValue(`${path}.${key}`, 'must be integer minor units from 0 to 99999999');
      }
      writeBcdNumber(w, spec.tag, value, 4);
      return;
    case 'bcd':
      if (typeof value !== 'string' || !w.bcd(spec.tag, value)) throw badValue(`${path}.${key}`, 'must be an even number of decimal digits');
      return;
    case 'text':
      if (typeof value !== 'string' || !w.text(spec.tag, value)) throw badValue(`${path}.${key}`, 'must be text (a string without lone surrogates)');
      return;
    case 'bytes':
      if (!(value instanceof Uint8Array)) throw badValue(`${path}.${key}`, 'must be bytes');
      w.primitive(spec.tag, value);
      return;
    case 'group': {
      if (!isPlainObject(value)) throw badValue(`${path}.${key}`, 'must be a group of fields');
      const start = w.begin(spec.tag);
      encodeFields(w, value, `${path}.${key}`, depth + 1);
      w.end(start);
      return;
    }
    case 'records': {
      if (!Array.isArray(value)) throw badValue(`${path}.${key}`, 'must be a list of records');
      const start = w.begin(spec.tag);
      value.forEach((record: unknown, i) => {
        if (!isPlainObject(record)) throw badValue(`${`${path}.${key}`}[${i}]`, 'must be a record of fields');
        const recordStart = w.begin(RECORD_TAG);
        encodeFields(w, record, `${`${path}.${key}`}[${i}]`, depth + 2);
        w.end(recordStart);
      });
      w.end(start);
      return;
    }
  }
}

const MAX_UINT: Readonly<Record<number, number>> = { 1: 0xff, 2: 0xffff, 4: 0xffffffff };
const MAX_U64 = (1n << 64n) - 1n;

/** A non-negative integer (below 10^(2*width), checked by the caller) as `width` bytes of packed BCD. */
export function writeBcdNumber(w: ByteWriter, tag: number, value: number, width: number): void {
  w.tag(tag);
  w.u8(width);
  w.ensure(width);
  const { buf } = w;
  let rest = value;
  for (let i = w.pos + width - 1; i >= w.pos; i--) {
    const pair = rest % 100;
    rest = (rest - pair) / 100;
    buf[i] = ((pair / 10) << 4) | (pair % 10);
  }
  w.pos += width;
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

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function badValue(path: string, reason: string): TlvError {
  return new TlvError(TlvErrorCode.BadValue, `${path} ${reason}`, { path });
}
