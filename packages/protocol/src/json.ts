import { MAX_NESTING_DEPTH } from './ber.js';
import { TlvError, TlvErrorCode } from './errors.js';
import { isPlainObject } from './field-codec.js';
import { fromHex, toHex } from './hex.js';
import { resultName, resultValue, stageName, stageValue } from './enums.js';
import type { Message, MessageInput, TlvNode } from './message.js';
import { isRawKey, TAG_BY_NAME } from './tags.js';

/**
 * The JSON form of a message, as `kassa-tlv` prints and reads it: bytes as hex,
 * TransactionId as a decimal number (a string when above 2^53), stages and
 * results by name, raw tags as hex.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export function messageToJson(message: Message): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {
    type: message.type,
    typeId: message.typeId,
    header: { ...message.header } as { [key: string]: JsonValue },
  };
  if ('body' in message) out.body = fieldsToJson(message.body);
  else out.tlv = message.tlv.map(nodeToJson);
  if (message.mdc !== undefined) out.mdc = message.mdc.toString(16).padStart(8, '0');
  return out;
}

function fieldsToJson(fields: object): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (key === 'transactionStage' && typeof value === 'number') out[key] = named(stageName(value), value);
    else if (key === 'transactionResult' && typeof value === 'number') out[key] = named(resultName(value), value);
    else out[key] = valueToJson(value);
  }
  return out;
}

function named(name: string, value: number): JsonValue {
  return name.includes('(') ? value : name;
}

function valueToJson(value: unknown): JsonValue {
  if (typeof value === 'bigint') return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return toHex(value);
  if (Array.isArray(value)) return value.map((v) => (isPlainObject(v) ? fieldsToJson(v) : valueToJson(v)));
  if (isPlainObject(value)) return fieldsToJson(value);
  return value as JsonValue;
}

function nodeToJson(node: TlvNode): JsonValue {
  const tag = node.tag.toString(16).toUpperCase().padStart(2, '0');
  return 'children' in node ? { tag, children: node.children.map(nodeToJson) } : { tag, value: toHex(node.value) };
}

/** Reads the JSON form back into a message for `encodeFrame`; throws TlvError (TLV_BAD_VALUE) naming the field. */
export function messageFromJson(json: unknown): MessageInput {
  if (!isPlainObject(json)) throw bad('message', 'must be a JSON object');
  for (const key of Object.keys(json)) {
    if (!MESSAGE_KEYS.includes(key)) throw bad(key, 'is not a key of a message (type, typeId, header, body or tlv, mdc)');
  }
  const { type, typeId, header, body, tlv } = json;
  if (typeof type !== 'string') throw bad('type', 'must be a message type name');
  if (typeId !== undefined && !Number.isInteger(typeId)) throw bad('typeId', 'must be an integer');
  if (!isPlainObject(header)) throw bad('header', 'must be an object');
  for (const key of Object.keys(header)) {
    if (!['protocolId', 'terminalId', 'ecrId', 'sequenceNumber'].includes(key)) throw bad(`header.${key}`, 'is not a header field');
  }
  const h = header as unknown as MessageInput['header'];
  if (body !== undefined && tlv !== undefined) throw bad('body', 'a message has "body" (typed) or "tlv" (generic), not both');
  if (body !== undefined) {
    if (!isPlainObject(body)) throw bad('body', 'must be an object');
    return { type, ...(typeId === undefined ? {} : { typeId: typeId as number }), header: h, body: fieldsFromJson(body, 'body') } as MessageInput;
  }
  if (!Array.isArray(tlv)) throw bad('body', 'a message needs "body" (typed) or "tlv" (generic)');
  if (typeId === undefined) throw bad('typeId', 'a generic message needs its typeId');
  return { type, typeId: typeId as number, header: h, tlv: tlv.map((n, i) => nodeFromJson(n, `tlv[${i}]`)) };
}

const MESSAGE_KEYS = ['type', 'typeId', 'header', 'body', 'tlv', 'mdc'];

function fieldsFromJson(fields: Record<string, unknown>, path: string, depth = 0): Record<string, unknown> {
  if (depth > MAX_NESTING_DEPTH) throw bad(path, `nests deeper than ${MAX_NESTING_DEPTH} levels`);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    const at = `${path}.${key}`;
    if (isRawKey(key)) {
      out[key] = hexValue(value, at);
      continue;
    }
    const spec = TAG_BY_NAME.get(key);
    if (!spec) throw bad(at, 'is not a field of the protocol');
    if (key === 'transactionStage' && typeof value === 'string') out[key] = enumValue(stageValue(value), at);
    else if (key === 'transactionResult' && typeof value === 'string') out[key] = enumValue(resultValue(value), at);
    else if (spec.format === 'u64') out[key] = bigintValue(value, at);
    else if (spec.format === 'bytes') out[key] = hexValue(value, at);
    else if (spec.format === 'group') out[key] = isPlainObject(value) ? fieldsFromJson(value, at, depth + 1) : value;
    else if (spec.format === 'records') {
      out[key] = Array.isArray(value) ? value.map((r: unknown, i) => (isPlainObject(r) ? fieldsFromJson(r, `${at}[${i}]`, depth + 2) : r)) : value;
    } else out[key] = value;
  }
  return out;
}

function nodeFromJson(node: unknown, at: string, depth = 0): TlvNode {
  if (depth > MAX_NESTING_DEPTH) throw bad(at, `nests deeper than ${MAX_NESTING_DEPTH} levels`);
  if (!isPlainObject(node)) throw bad(at, 'must be {tag, value} or {tag, children}');
  const tagBytes = typeof node.tag === 'string' ? fromHex(node.tag) : undefined;
  if (!tagBytes || tagBytes.length === 0 || tagBytes.length > 4) throw bad(`${at}.tag`, 'must be a tag in hex');
  const tag = tagBytes.reduce((t, b) => t * 256 + b, 0);
  if (Array.isArray(node.children)) return { tag, children: node.children.map((c: unknown, i) => nodeFromJson(c, `${at}.children[${i}]`, depth + 1)) };
  return { tag, value: hexValue(node.value, `${at}.value`) };
}

function hexValue(value: unknown, at: string): Uint8Array {
  const bytes = typeof value === 'string' ? fromHex(value) : undefined;
  if (!bytes) throw bad(at, 'must be hex');
  return bytes;
}

function bigintValue(value: unknown, at: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return BigInt(value);
  throw bad(at, 'must be a non-negative integer (a decimal string above 2^53)');
}

function enumValue(value: number | undefined, at: string): number {
  if (value === undefined) throw bad(at, 'is not a known name (use the number)');
  return value;
}

function bad(path: string, reason: string): TlvError {
  return new TlvError(TlvErrorCode.BadValue, `${path} ${reason}`, { path });
}
