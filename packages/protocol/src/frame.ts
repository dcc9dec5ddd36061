import { TlvReader } from './ber.js';
import { ByteWriter } from './byte-writer.js';
import { crc32 } from './crc32.js';
import { TlvError, TlvErrorCode } from './errors.js';
import { bcdNumber, bcdString, decodeFields, decodeText, encodeFields, isPlainObject, readU32, writeBcdNumber } from './field-codec.js';
import type { Body, Header, Message, MessageInput } from './message.js';
import { genericNameOf, isTypedMessageName, TYPED_MESSAGE_IDS, typedNameOf } from './message-types.js';
import { Tag } from './tags.js';
import { encodeTree, parseTree } from './tlv-tree.js';

/** "P4Y-ECR!": the 8 bytes after every frame's length prefix. */
export const MAGIC = Uint8Array.of(0x50, 0x34, 0x59, 0x2d, 0x45, 0x43, 0x52, 0x21);
export const PREFIX_BYTES = 4;
/** Length prefix and magic: the bytes before the root TLV. */
export const FRAME_HEAD_BYTES = PREFIX_BYTES + MAGIC.length;
/** The smallest value of the length prefix: the magic and an empty root `F0 00`. */
export const MIN_PREFIX_VALUE = MAGIC.length + 2;
export const DEFAULT_MAX_FRAME_SIZE = 64 * 1024;

export interface DecodeOptions {
  /** Check the footer's MDC against the body (default true). */
  readonly verifyMdc?: boolean;
}

/** Decodes exactly one complete frame (length prefix included). */
export function decodeFrame(bytes: Uint8Array, options: DecodeOptions = {}): Message {
  // The magic first: bytes that are not an Ingenico frame are best reported as such.
  checkMagic(bytes, 0, bytes.length);
  if (bytes.length < FRAME_HEAD_BYTES) {
    throw new TlvError(TlvErrorCode.Truncated, `a frame has at least ${FRAME_HEAD_BYTES} bytes, got ${bytes.length}`, { offset: bytes.length });
  }
  const announced = readU32(bytes, 0);
  if (announced < MIN_PREFIX_VALUE) throw new TlvError(TlvErrorCode.FrameTooSmall, `length prefix ${announced} is too small`, { offset: 0 });
  if (announced + PREFIX_BYTES > bytes.length) {
    throw new TlvError(TlvErrorCode.Truncated, `length prefix announces ${announced} bytes, ${bytes.length - PREFIX_BYTES} present`, { offset: bytes.length });
  }
  if (announced + PREFIX_BYTES < bytes.length) {
    throw new TlvError(TlvErrorCode.LengthMismatch, `length prefix announces ${announced} bytes, ${bytes.length - PREFIX_BYTES} present`, { offset: 0 });
  }
  return decodeFrameAt(bytes, 0, bytes.length, options.verifyMdc ?? true);
}

/** Throws TLV_BAD_MAGIC unless bytes[frameStart+4 .. available) agree with the magic. */
export function checkMagic(bytes: Uint8Array, frameStart: number, available: number): void {
  if (!magicAgrees(bytes, frameStart, available)) {
    throw new TlvError(TlvErrorCode.BadMagic, 'not an Ingenico frame (magic "P4Y-ECR!" expected)', { offset: frameStart + PREFIX_BYTES, fatal: true });
  }
}

/** Whether bytes[frameStart+4 .. available) agree with the magic (as far as they go). */
export function magicAgrees(bytes: Uint8Array, frameStart: number, available: number): boolean {
  const end = Math.min(available, frameStart + FRAME_HEAD_BYTES);
  for (let i = frameStart + PREFIX_BYTES; i < end; i++) {
    if (bytes[i] !== MAGIC[i - frameStart - PREFIX_BYTES]) return false;
  }
  return true;
}

/**
 * Decodes the frame in bytes[start, end) whose prefix (announcing end - start - 4
 * bytes) and magic were already checked. Error offsets are positions in `bytes`.
 * The streaming decoder calls this on its chunks directly, without a view per frame.
 */
export function decodeFrameAt(bytes: Uint8Array, start: number, end: number, verifyMdc: boolean): Message {
  const rootAt = start + FRAME_HEAD_BYTES;
  const root = new TlvReader(bytes, rootAt, end);
  const rootTag = root.readTag();
  if (rootTag !== Tag.Root) throw structure(`root tag must be F0`, rootAt);
  const rootLength = root.readLength();
  if (root.pos + rootLength !== end) {
    throw new TlvError(TlvErrorCode.LengthMismatch, `root TLV is ${rootLength} bytes, the frame leaves ${end - root.pos}`, { offset: rootAt });
  }

  const headerEnd = root.readHeader();
  if (root.tag !== Tag.Header) throw structure('header E1 expected first', root.tlvStart);
  root.pos = headerEnd;
  const { fields: headerFields, typeId } = decodeHeader(bytes, root.valueStart, headerEnd, root.tlvStart);

  if (root.pos >= end) throw new TlvError(TlvErrorCode.MissingField, 'body E2 is missing', { offset: root.pos });
  const bodyEnd = root.readHeader();
  const bodyTag: number = root.tag;
  if (bodyTag !== Tag.Body) throw structure('body E2 expected after the header', root.tlvStart);
  const bodyStart = root.valueStart;
  root.pos = bodyEnd;

  if (root.pos >= end) throw new TlvError(TlvErrorCode.MissingField, 'footer E3 is missing', { offset: root.pos });
  const footerEnd = root.readHeader();
  const footerTag: number = root.tag;
  if (footerTag !== Tag.Footer) throw structure('footer E3 expected after the body', root.tlvStart);
  if (footerEnd !== end) throw structure('nothing may follow the footer', footerEnd);
  const mdc = decodeFooter(bytes, root.valueStart, footerEnd, root.tlvStart);
  if (verifyMdc) {
    const computed = crc32(bytes, bodyStart, bodyEnd);
    if (computed !== mdc) {
      throw new TlvError(TlvErrorCode.MdcMismatch, `MDC ${hex8(mdc)} but the body's CRC-32 is ${hex8(computed)}`, { offset: root.tlvStart });
    }
  }

  const typed = typedNameOf(typeId);
  if (typed === undefined) {
    return { type: genericNameOf(typeId), typeId, header: headerFields, tlv: parseTree(bytes, bodyStart, bodyEnd), mdc };
  }
  const fields = decodeFields(bytes, bodyStart, bodyEnd) as Body;
  // Hello request and response share type 16: only the response carries a ResultCode.
  const type = typed === 'HelloRequest' && fields.resultCode !== undefined ? 'HelloResponse' : typed;
  return { type, typeId, header: headerFields, body: fields, mdc };
}

function decodeHeader(bytes: Uint8Array, start: number, end: number, at: number): { fields: Header; typeId: number } {
  let protocolId: string | undefined;
  let typeId: number | undefined;
  let terminalId: string | undefined;
  let ecrId: string | undefined;
  let sequenceNumber: number | undefined;
  const reader = new TlvReader(bytes, start, end);
  let previousTag = 0;
  while (reader.pos < end) {
    const valueEnd = reader.readHeader();
    const { tag, valueStart, tlvStart: fieldStart } = reader;
    reader.pos = valueEnd;
    const length = valueEnd - valueStart;
    // Header tags are 10..14 in increasing order, each at most once: the one layout the encoder writes back.
    if (tag <= previousTag && tag >= Tag.ProtocolId && tag <= Tag.SequenceNumber) {
      throw structure(`header tag ${tag.toString(16)} is repeated or out of order`, fieldStart);
    }
    previousTag = tag;
    switch (tag) {
      case Tag.ProtocolId:
        if (length !== 4) throw new TlvError(TlvErrorCode.BadValue, `ProtocolId must be 4 bytes, not ${length}`, { offset: fieldStart });
        protocolId = bcdString(bytes, valueStart, valueEnd);
        if (protocolId === undefined) throw new TlvError(TlvErrorCode.BadValue, 'ProtocolId is not BCD', { offset: fieldStart });
        break;
      case Tag.MessageType:
        if (length !== 4) throw new TlvError(TlvErrorCode.BadValue, `MessageType must be 4 bytes, not ${length}`, { offset: fieldStart });
        typeId = bcdNumber(bytes, valueStart, valueEnd);
        if (typeId < 0) throw new TlvError(TlvErrorCode.BadValue, 'MessageType is not BCD', { offset: fieldStart });
        break;
      case Tag.TerminalId:
        terminalId = decodeText(bytes, valueStart, valueEnd);
        break;
      case Tag.EcrId:
        ecrId = decodeText(bytes, valueStart, valueEnd);
        break;
      case Tag.SequenceNumber:
        if (length !== 2) throw new TlvError(TlvErrorCode.BadValue, `SequenceNumber must be 2 bytes, not ${length}`, { offset: fieldStart });
        sequenceNumber = (bytes[valueStart]! << 8) | bytes[valueStart + 1]!;
        break;
      default:
        throw structure(`unexpected tag ${tag.toString(16).toUpperCase()} in the header`, fieldStart);
    }
  }
  if (protocolId === undefined) throw missing('ProtocolId (10)', at);
  if (typeId === undefined) throw missing('MessageType (11)', at);
  if (terminalId === undefined) throw missing('TerminalId (12)', at);
  if (sequenceNumber === undefined) throw missing('SequenceNumber (14)', at);
  const fields: Header = ecrId === undefined ? { protocolId, terminalId, sequenceNumber } : { protocolId, terminalId, ecrId, sequenceNumber };
  return { fields, typeId };
}

function decodeFooter(bytes: Uint8Array, start: number, end: number, at: number): number {
  const reader = new TlvReader(bytes, start, end);
  let mdc: number | undefined;
  while (reader.pos < end) {
    const valueEnd = reader.readHeader();
    const { tag, valueStart, tlvStart: fieldStart } = reader;
    reader.pos = valueEnd;
    if (tag !== Tag.Mdc) throw structure(`unexpected tag ${tag.toString(16).toUpperCase()} in the footer`, fieldStart);
    if (mdc !== undefined) throw structure('the footer holds more than one MDC', fieldStart);
    if (valueEnd - valueStart !== 4) throw new TlvError(TlvErrorCode.BadValue, 'Mdc must be 4 bytes', { offset: fieldStart });
    mdc = readU32(bytes, valueStart);
  }
  if (mdc === undefined) throw missing('Mdc (1C)', at);
  return mdc;
}

const writer = new ByteWriter();

/** Encodes a message as one frame: length prefix, magic, F0 { E1 header, E2 body, E3 MDC }. */
export function encodeFrame(message: MessageInput): Uint8Array {
  const typeId = resolveTypeId(message);
  const w = writer;
  w.reset();
  w.u32(0);
  w.bytes(MAGIC);
  const root = w.begin(Tag.Root);
  encodeHeader(w, message.header, typeId);
  let bodyStart = w.begin(Tag.Body);
  if ('body' in message) {
    if (!isPlainObject(message.body)) throw badValue('body', 'must be an object of fields');
    encodeFields(w, message.body, 'body');
  } else {
    if (!Array.isArray(message.tlv)) throw badValue('tlv', 'must be a list of TLV nodes');
    encodeTree(w, message.tlv, 'tlv');
  }
  bodyStart = w.end(bodyStart);
  const mdc = crc32(w.buf, bodyStart, w.pos);
  const footer = w.begin(Tag.Footer);
  w.tag(Tag.Mdc);
  w.u8(4);
  w.u32(mdc);
  w.end(footer);
  w.end(root);
  const frameLength = w.pos - w.base - PREFIX_BYTES;
  const { buf, base } = w;
  buf[base] = frameLength >>> 24;
  buf[base + 1] = (frameLength >>> 16) & 0xff;
  buf[base + 2] = (frameLength >>> 8) & 0xff;
  buf[base + 3] = frameLength & 0xff;
  return w.result();
}

function resolveTypeId(message: MessageInput): number {
  const given = message.typeId;
  if (given !== undefined && (!Number.isInteger(given) || given < 0 || given > 99_999_999)) {
    throw badValue('typeId', 'must be an integer of at most 8 digits');
  }
  if ('body' in message) {
    if (!isTypedMessageName(message.type)) throw badValue('type', `${String(message.type)} is not a typed message`);
    const id = TYPED_MESSAGE_IDS[message.type];
    if (given !== undefined && given !== id) throw badValue('typeId', `${message.type} is type ${id}, not ${given}`);
    return id;
  }
  if (given === undefined) throw badValue('typeId', 'a generic message needs its typeId');
  return given;
}

function encodeHeader(w: ByteWriter, header: Header, typeId: number): void {
  if (!isPlainObject(header)) throw badValue('header', 'must be an object');
  const { protocolId, terminalId, ecrId, sequenceNumber } = header;
  if (typeof terminalId !== 'string') throw badValue('header.terminalId', 'must be text');
  if (ecrId !== undefined && typeof ecrId !== 'string') throw badValue('header.ecrId', 'must be text');
  if (typeof protocolId !== 'string' || protocolId.length !== 8) throw badValue('header.protocolId', 'must be 8 decimal digits');
  if (!Number.isInteger(sequenceNumber) || sequenceNumber < 0 || sequenceNumber > 0xffff) {
    throw badValue('header.sequenceNumber', 'must be an integer from 0 to 65535');
  }
  const start = w.begin(Tag.Header);
  if (!w.bcd(Tag.ProtocolId, protocolId)) throw badValue('header.protocolId', 'must be 8 decimal digits');
  writeBcdNumber(w, Tag.MessageType, typeId, 4);
  if (!w.text(Tag.TerminalId, terminalId)) throw badValue('header.terminalId', 'must be text (a string without lone surrogates)');
  if (ecrId !== undefined && !w.text(Tag.EcrId, ecrId)) throw badValue('header.ecrId', 'must be text (a string without lone surrogates)');
  w.tag(Tag.SequenceNumber);
  w.u8(2);
  w.u8(sequenceNumber >>> 8);
  w.u8(sequenceNumber & 0xff);
  w.end(start);
}

function structure(reason: string, offset: number): TlvError {
  return new TlvError(TlvErrorCode.BadStructure, reason, { offset });
}

function missing(field: string, offset: number): TlvError {
  return new TlvError(TlvErrorCode.MissingField, `${field} is missing`, { offset });
}

function badValue(path: string, reason: string): TlvError {
  return new TlvError(TlvErrorCode.BadValue, `${path} ${reason}`, { path });
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}
