import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, fromHex, messageFromJson, messageToJson, TlvError } from '../src/index.js';
import { FIXTURES } from './support/fixtures.js';
import { loadVectors } from './support/vectors.js';

const viaJson = (bytes: Uint8Array): Uint8Array => encodeFrame(messageFromJson(JSON.parse(JSON.stringify(messageToJson(decodeFrame(bytes))))));

describe('the JSON form of a message', () => {
  it.each(FIXTURES.map((f) => [f.name, f.bytes] as const))('round-trips %s through JSON text', (_name, bytes) => {
    expect(viaJson(bytes)).toEqual(bytes);
  });

  it.each(loadVectors().map((v) => [v.name, v.hex] as const))('round-trips golden %s through JSON text', (_name, hex) => {
    expect(viaJson(fromHex(hex)!)).toEqual(fromHex(hex));
  });

  it('names stages and results, gives amounts in cents and the TransactionId as a number', () => {
    const vector = loadVectors().find((v) => v.name.startsWith('TransactionResponse final Approved'))!;
    const json = messageToJson(decodeFrame(fromHex(vector.hex)!));
    expect(json).toMatchObject({
      type: 'TransactionResponse',
      typeId: 49,
      header: { protocolId: '00000100', terminalId: '12345678', ecrId: 'odoo', sequenceNumber: 3 },
      body: {
        transactionStage: 'Finished',
        transactionResult: 'Approved',
        transactionId: 123456789012345,
        tickets: [{ ticketBody: 'VISA CONTACTLESS  ****1234' }, { ticketBody: 'AMOUNT EUR 12.34 APPROVED' }],
      },
      mdc: '44fdc237',
    });
  });

  it('keeps unknown stage and result values as numbers and unknown tags as hex', () => {
    const fixture = FIXTURES.find((f) => f.name.includes('unknown stage'))!;
    expect(messageToJson(decodeFrame(fixture.bytes)).body).toEqual({ transactionStage: 77, transactionResult: 9 });
    const raw = FIXTURES.find((f) => f.name.includes('unknown and repeated tags'))!;
    expect(messageToJson(decodeFrame(raw.bytes)).body).toMatchObject({ tag9F01: '0102', tag0E: '02', transactionData: { tagC1: 'ff' } });
  });

  it('writes a TransactionId above 2^53 as a decimal string and reads it back', () => {
    const message = {
      type: 'LastTransactionRequest',
      header: { protocolId: '00000100', terminalId: '1', sequenceNumber: 1 },
      body: { transactionId: 2n ** 64n - 1n },
    } as const;
    const json = messageToJson(decodeFrame(encodeFrame(message)));
    expect(json.body).toEqual({ transactionId: '18446744073709551615' });
    expect(messageFromJson(json)).toMatchObject({ body: { transactionId: 2n ** 64n - 1n } });
  });

  const header = { protocolId: '00000100', terminalId: '1', sequenceNumber: 0 };
  it.each([
    ['not an object', [], 'message'],
    ['no type', { header, body: {} }, 'type'],
    ['an unknown top-level key', { type: 'ByeRequest', header, body: {}, extra: 1 }, 'extra'],
    ['both body and tlv', { type: 'ByeRequest', header, body: {}, tlv: [] }, 'body'],
    ['neither body nor tlv', { type: 'ByeRequest', header }, 'body'],
    ['an unknown header key', { type: 'ByeRequest', header: { ...header, x: 1 }, body: {} }, 'header.x'],
    ['an unknown body field', { type: 'ByeRequest', header, body: { x: 1 } }, 'body.x'],
    ['a stage name that does not exist', { type: 'TransactionResponse', header, body: { transactionStage: 'Dancing' } }, 'body.transactionStage'],
    ['a raw tag that is not hex', { type: 'TransactionResponse', header, body: { tag9F01: 'zz' } }, 'body.tag9F01'],
    ['a negative TransactionId', { type: 'TransactionRequest', header, body: { transactionId: -1 } }, 'body.transactionId'],
    ['a generic node without a hex tag', { type: 'PrintRequest', typeId: 66, header, tlv: [{ tag: 'x', value: '' }] }, 'tlv[0].tag'],
  ])('rejects JSON with %s as TLV_BAD_VALUE naming the path', (_what, json, path) => {
    let error: unknown;
    try {
      messageFromJson(json);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TlvError);
    expect({ code: (error as TlvError).code, path: (error as TlvError).path }).toEqual({ code: 'TLV_BAD_VALUE', path });
  });
});
