import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, TlvError, TlvErrorCode, type MessageInput } from '../src/index.js';
import { ascii, cat, frame, header, hex, MAGIC_BYTES, tlv, u32, wrapRoot } from './support/builder.js';
import { collecting } from './support/stream.js';

const head = { typeId: 49, ecrId: 'odoo', sequenceNumber: 1 };
const headerBytes = header(head);
/** Offsets in a frame whose root length is short: F0 at 12, E1 at 14, E2 right after the header. */
const E1_AT = 14;
const E2_AT = E1_AT + headerBytes.length;
const BODY_AT = E2_AT + 2;

function decodeError(bytes: Uint8Array): TlvError {
  try {
    decodeFrame(bytes);
  } catch (error) {
    if (error instanceof TlvError) return error;
    throw error;
  }
  throw new Error('decodeFrame accepted the frame');
}

function expectError(bytes: Uint8Array, code: TlvErrorCode, offset: number): void {
  const error = decodeError(bytes);
  expect({ code: error.code, offset: error.offset }).toEqual({ code, offset });
  expect(error.message).toContain(code);
}

const good = frame(head, tlv('0E', hex('01')));

describe('decodeFrame rejects each kind of bad frame with its code and offset', () => {
  it('TLV_BAD_MAGIC when the 8 bytes after the prefix are not "P4Y-ECR!"', () => {
    const bytes = Uint8Array.from(good);
    bytes[6] = 0x41;
    expectError(bytes, TlvErrorCode.BadMagic, 4);
  });

  it('TLV_BAD_MAGIC already in a fragment shorter than the frame head', () => {
    expectError(hex('00000030 5034 41'), TlvErrorCode.BadMagic, 4);
  });

  it('TLV_TRUNCATED when the bytes end before the length prefix says', () => {
    expectError(good.subarray(0, good.length - 1), TlvErrorCode.Truncated, good.length - 1);
  });

  it('TLV_TRUNCATED when there are fewer bytes than a frame head', () => {
    expectError(good.subarray(0, 9), TlvErrorCode.Truncated, 9);
  });

  it('TLV_LENGTH_MISMATCH when bytes follow the announced frame', () => {
    expectError(cat(good, hex('00')), TlvErrorCode.LengthMismatch, 0);
  });

  it('TLV_LENGTH_MISMATCH when the root TLV is shorter than the frame', () => {
    const root = tlv('F0', headerBytes);
    const bytes = cat(u32(MAGIC_BYTES.length + root.length + 1), MAGIC_BYTES, root, hex('00'));
    expectError(bytes, TlvErrorCode.LengthMismatch, 12);
  });

  it('TLV_FRAME_TOO_SMALL when the prefix cannot hold the magic and a root TLV', () => {
    expectError(cat(u32(9), MAGIC_BYTES, hex('f0')), TlvErrorCode.FrameTooSmall, 0);
  });

  it('TLV_BAD_TAG for a multi-byte tag cut off by the end of its parent', () => {
    expectError(frame(head, hex('1f')), TlvErrorCode.BadTag, BODY_AT);
  });

  it('TLV_BAD_TAG for a tag longer than 4 bytes', () => {
    expectError(frame(head, hex('1f81818101 00')), TlvErrorCode.BadTag, BODY_AT);
  });

  it.each([
    ['indefinite', '0e80'],
    ['five length bytes', '0e850000000001 00'],
    ['cut off long form', '0e82'],
    ['long form for a short length', '0e8101 01'],
    ['long form with a leading zero byte', '0e820005 0000000000'],
  ])('TLV_BAD_LENGTH for a %s length', (_what, body) => {
    expectError(frame(head, hex(body)), TlvErrorCode.BadLength, BODY_AT + 1);
  });

  it('TLV_CHILD_OVERRUN when a field runs past the body', () => {
    expectError(frame(head, cat(tlv('0E', hex('01')), hex('0f05 4142'))), TlvErrorCode.ChildOverrun, BODY_AT + 3);
  });

  it('TLV_CHILD_OVERRUN when the body runs past the root', () => {
    const bytes = wrapRoot(cat(headerBytes, hex('e27f 0e01')));
    expectError(bytes, TlvErrorCode.ChildOverrun, E2_AT);
  });

  it('TLV_CHILD_OVERRUN inside a ticket record', () => {
    const bytes = frame(head, tlv('A6', hex('ef04 4c05 4142')));
    expectError(bytes, TlvErrorCode.ChildOverrun, BODY_AT + 4);
  });

  it('TLV_BAD_STRUCTURE when the root tag is not F0', () => {
    const bytes = Uint8Array.from(good);
    bytes[12] = 0xf1;
    expectError(bytes, TlvErrorCode.BadStructure, 12);
  });

  it('TLV_BAD_STRUCTURE when header fields are out of order', () => {
    const swapped = tlv('E1', tlv('11', hex('00000049')), tlv('10', hex('00000100')), tlv('12', ascii('1')), tlv('14', hex('0001')));
    expectError(frame(swapped, new Uint8Array(0)), TlvErrorCode.BadStructure, E1_AT + 2 + 6);
  });

  it('TLV_BAD_STRUCTURE when the footer holds two MDCs', () => {
    const bytes = wrapRoot(cat(headerBytes, tlv('E2'), tlv('E3', tlv('1C', u32(0)), tlv('1C', u32(0)))));
    expectError(bytes, TlvErrorCode.BadStructure, E2_AT + 2 + 2 + 6);
  });

  it('TLV_BAD_STRUCTURE when groups nest deeper than the limit', () => {
    let group = tlv('A3');
    for (let i = 0; i < 40; i++) group = tlv('A3', group);
    expect(decodeError(frame(head, group)).code).toBe(TlvErrorCode.BadStructure);
  });

  it('TLV_MISSING_FIELD when the header has no TerminalId', () => {
    const noTerminal = tlv('E1', tlv('10', hex('00000100')), tlv('11', hex('00000049')), tlv('14', hex('0001')));
    expectError(frame(noTerminal, new Uint8Array(0)), TlvErrorCode.MissingField, E1_AT);
  });

  it('TLV_MISSING_FIELD when the body is missing', () => {
    expectError(wrapRoot(headerBytes), TlvErrorCode.MissingField, E2_AT);
  });

  it('TLV_MISSING_FIELD when the footer has no MDC', () => {
    expectError(wrapRoot(cat(headerBytes, tlv('E2'), tlv('E3'))), TlvErrorCode.MissingField, E2_AT + 2);
  });

  it('TLV_BAD_VALUE when a known field has the wrong size', () => {
    expectError(frame(head, tlv('0E', hex('0101'))), TlvErrorCode.BadValue, BODY_AT);
  });

  it('TLV_BAD_VALUE when an amount is not BCD', () => {
    expectError(frame(head, tlv('A3', tlv('50', hex('0000001a')))), TlvErrorCode.BadValue, BODY_AT + 2);
  });

  it('TLV_BAD_VALUE when the MessageType is not 4 bytes', () => {
    const short = tlv('E1', tlv('10', hex('00000100')), tlv('11', hex('000049')), tlv('12', ascii('1')), tlv('14', hex('0001')));
    expectError(frame(short, new Uint8Array(0)), TlvErrorCode.BadValue, E1_AT + 2 + 6);
  });

  it('TLV_MDC_MISMATCH when the MDC is not the CRC-32 of the body', () => {
    const bytes = frame(head, tlv('0E', hex('01')), 0x12345678);
    expectError(bytes, TlvErrorCode.MdcMismatch, bytes.length - 8);
  });

  it('accepts a wrong MDC when asked not to verify it', () => {
    expect(decodeFrame(frame(head, tlv('0E', hex('01')), 0x12345678), { verifyMdc: false }).mdc).toBe(0x12345678);
  });
});

describe('FrameDecoder reports errors at their stream offset', () => {
  it('rejects a 7fffffff length prefix as TLV_FRAME_TOO_LARGE before buffering anything', () => {
    const { messages, errors, decoder } = collecting();
    decoder.push(hex('7fffffff'));
    expect(errors.map((e) => [e.code, e.offset, e.fatal])).toEqual([[TlvErrorCode.FrameTooLarge, 0, true]]);
    expect(decoder.buffered).toBe(0);
    expect(decoder.failed?.code).toBe(TlvErrorCode.FrameTooLarge);
    decoder.push(good);
    expect(messages).toEqual([]);
    expect(errors).toHaveLength(1);
  });

  it('checks the prefix against maxFrameSize even when it arrives one byte at a time', () => {
    const { errors, decoder } = collecting({ maxFrameSize: 64 });
    for (const b of hex('7fffffff')) decoder.push(Uint8Array.of(b));
    expect(errors.map((e) => [e.code, e.offset])).toEqual([[TlvErrorCode.FrameTooLarge, 0]]);
    expect(decoder.buffered).toBe(0);
  });

  it('offsets TLV_FRAME_TOO_LARGE by the frames before it', () => {
    const { messages, errors, decoder } = collecting({ maxFrameSize: good.length });
    const large = frame(head, tlv('0F', ascii('x'.repeat(20))));
    decoder.push(cat(good, large));
    expect(messages).toHaveLength(1);
    expect(errors.map((e) => [e.code, e.offset])).toEqual([[TlvErrorCode.FrameTooLarge, good.length]]);
  });

  it('TLV_BAD_MAGIC is fatal: nothing after it is decoded', () => {
    const { messages, errors, decoder } = collecting();
    const bad = Uint8Array.from(good);
    bad[11] = 0;
    decoder.push(cat(good, bad, good));
    expect(messages).toHaveLength(1);
    expect(errors.map((e) => [e.code, e.offset, e.fatal])).toEqual([[TlvErrorCode.BadMagic, good.length + 4, true]]);
    decoder.push(good);
    expect(messages).toHaveLength(1);
  });

  it('TLV_FRAME_TOO_SMALL is fatal', () => {
    const { errors, decoder } = collecting();
    decoder.push(cat(u32(3), MAGIC_BYTES));
    expect(errors.map((e) => [e.code, e.offset, e.fatal])).toEqual([[TlvErrorCode.FrameTooSmall, 0, true]]);
  });

  it('an MDC mismatch costs only its frame: the frames around it still arrive', () => {
    const { messages, errors, decoder } = collecting();
    const bad = frame(head, tlv('0E', hex('02')), 1);
    decoder.push(cat(good, bad, good));
    expect(messages).toHaveLength(2);
    expect(errors.map((e) => [e.code, e.offset, e.fatal])).toEqual([[TlvErrorCode.MdcMismatch, good.length + bad.length - 8, false]]);
    expect(decoder.failed).toBeUndefined();
  });

  it('a malformed field inside a well-framed frame costs only that frame, even when split', () => {
    const { messages, errors, decoder } = collecting();
    const bad = frame(head, hex('0e80'));
    const stream = cat(good, bad, good);
    for (const b of stream) decoder.push(Uint8Array.of(b));
    expect(messages).toHaveLength(2);
    expect(errors.map((e) => [e.code, e.offset])).toEqual([[TlvErrorCode.BadLength, good.length + BODY_AT + 1]]);
  });

  it('refuses a maxFrameSize that could not hold any frame', () => {
    expect(() => collecting({ maxFrameSize: 5 })).toThrow(RangeError);
  });
});

describe('encodeFrame rejects messages it cannot write faithfully, naming the field', () => {
  const base = { header: { protocolId: '00000100', terminalId: '1', sequenceNumber: 0 } };
  const cases: [string, MessageInput, string][] = [
    ['an unknown field name', { ...base, type: 'KeepAliveRequest', body: { nope: 1 } as never }, 'body.nope'],
    ['a negative amount', { ...base, type: 'TransactionRequest', body: { transactionData: { amount: -1 } } }, 'body.transactionData.amount'],
    ['a fractional amount', { ...base, type: 'TransactionRequest', body: { transactionData: { amount: 12.5 } } }, 'body.transactionData.amount'],
    ['a protocolId that is not 8 digits', { ...base, header: { ...base.header, protocolId: '0100' }, type: 'ByeRequest', body: {} }, 'header.protocolId'],
    ['a sequence number above 65535', { ...base, header: { ...base.header, sequenceNumber: 65536 }, type: 'ByeRequest', body: {} }, 'header.sequenceNumber'],
    ['a type that is not typed', { ...base, type: 'PrintRequest', body: {} } as never, 'type'],
    ['a typeId that contradicts the type', { ...base, type: 'ByeRequest', typeId: 21, body: {} }, 'typeId'],
    ['a raw known tag before its named field', { ...base, type: 'TransactionResponse', body: { tag0E: hex('0102') } }, 'body.tag0E'],
    ['a raw key that is not a tag', { ...base, type: 'TransactionResponse', body: { tagXY: hex('01') } }, 'body.tagXY'],
    ['a generic node with a malformed tag', { ...base, type: 'PrintRequest', typeId: 66, tlv: [{ tag: 0x1f, value: hex('01') }] }, 'tlv[0]'],
    ['children under a primitive tag', { ...base, type: 'PrintRequest', typeId: 66, tlv: [{ tag: 0x4c, children: [] }] }, 'tlv[0]'],
    ['a generic message without typeId', { ...base, type: 'PrintRequest', tlv: [] } as never, 'typeId'],
  ];
  it.each(cases)('TLV_BAD_VALUE for %s', (_what, message, path) => {
    let error: unknown;
    try {
      encodeFrame(message);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TlvError);
    expect({ code: (error as TlvError).code, path: (error as TlvError).path }).toEqual({ code: TlvErrorCode.BadValue, path });
  });

  it('TLV_BAD_VALUE for a raw tree nested deeper than the decoder accepts', () => {
    let node: { tag: number; children: never[] } = { tag: 0xa0, children: [] };
    for (let i = 0; i < 40; i++) node = { tag: 0xa0, children: [node as never] };
    expect(() => encodeFrame({ ...base, type: 'PrintRequest', typeId: 66, tlv: [node] })).toThrow(expect.objectContaining({ code: TlvErrorCode.BadValue }));
  });
});
