import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, isTyped, TlvErrorCode, type MessageInput } from '../src/index.js';
import { berLength, cat, frame, hex, tlv } from './support/builder.js';

/** `depth` constructed TLVs of one tag, each holding the next, built inside out without quadratic copying. */
function nested(depth: number, tag = 'a0'): Uint8Array {
  const heads: Uint8Array[] = [];
  let size = 2;
  for (let i = 0; i < depth; i++) {
    const head = cat(hex(tag), berLength(size));
    heads.push(head);
    size += head.length;
  }
  return cat(...heads.reverse(), hex(`${tag}00`));
}

const head = { typeId: 66, sequenceNumber: 1 };

describe('regressions', () => {
  it('a generic body nested 15,000 levels deep decodes without exhausting the stack, and re-encodes to the same bytes', () => {
    const bytes = frame(head, nested(15_000));
    const message = decodeFrame(bytes);
    expect(isTyped(message)).toBe(false);
    expect(Buffer.compare(encodeFrame(message), bytes)).toBe(0);
  });

  it('a typed body with TransactionData groups nested 15,000 levels deep is a TlvError, not a RangeError', () => {
    const bytes = frame({ typeId: 49, sequenceNumber: 1 }, nested(15_000, 'a3'));
    expect(() => decodeFrame(bytes)).toThrow(expect.objectContaining({ code: TlvErrorCode.BadStructure }));
  });

  it('a generic TLV with tag 00 re-encodes', () => {
    const bytes = frame(head, cat(tlv('00', hex('ff')), tlv('A0', tlv('00'))));
    expect(encodeFrame(decodeFrame(bytes))).toEqual(bytes);
  });

  it.each([
    ['header.terminalId', { header: { protocolId: '00000100', terminalId: 'a\uD800', sequenceNumber: 0 }, body: {} }],
    ['body.stageMessage', { header: { protocolId: '00000100', terminalId: '1', sequenceNumber: 0 }, body: { stageMessage: '\uDC00x' } }],
  ])('refuses text with a lone surrogate in %s, which UTF-8 cannot carry', (path, m) => {
    const message = { type: 'TransactionResponse', ...m } as MessageInput;
    expect(() => encodeFrame(message)).toThrow(expect.objectContaining({ code: TlvErrorCode.BadValue, path }));
  });

  it('keeps text made of surrogate pairs (emoji) intact', () => {
    const message: MessageInput = {
      type: 'TransactionResponse',
      header: { protocolId: '00000100', terminalId: '1', sequenceNumber: 0 },
      body: { stageMessage: 'Merci 🙂' },
    };
    expect(decodeFrame(encodeFrame(message))).toMatchObject({ body: { stageMessage: 'Merci 🙂' } });
  });

  it('reads a ticket that is not UTF-8 as Latin-1 instead of losing the payment result', () => {
    const bytes = frame({ typeId: 49, sequenceNumber: 1 }, cat(tlv('56', hex('00')), tlv('A6', tlv('EF', tlv('4C', hex('52e97375')))))); // "Résu" in Latin-1
    expect(decodeFrame(bytes)).toMatchObject({ body: { transactionResult: 0, tickets: [{ ticketBody: 'R\u00e9su' }] } });
  });
});
