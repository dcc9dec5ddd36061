import { describe, expect, it } from 'vitest';
import { encodeFrame, nextSequence, SequenceCounter, toHex, transactionIdFromUuid, type MessageInput, TlvError } from '../src/index.js';
import { loadVectors } from './support/vectors.js';

const header = (sequenceNumber: number) => ({ protocolId: '00000100', terminalId: '12345678', ecrId: 'odoo', sequenceNumber });

describe('the box side of a conversation, as the deployed integration writes it', () => {
  it('produces the six box->terminal golden frames from plain messages and one SequenceCounter', () => {
    const seq = new SequenceCounter();
    const transactionId = 123456789012345n;
    const messages: MessageInput[] = [
      { type: 'HelloResponse', header: header(seq.next()), body: { resultCode: 0, connectionParameters: { keepAliveInterval: '5005' } } },
      { type: 'KeepAliveResponse', header: header(seq.next()), body: { keepAliveReason: 1, resultCode: 0 } },
      ...[1234, 99999999, 1].map((amount): MessageInput => ({
        type: 'TransactionRequest',
        header: header(seq.next()),
        body: { transactionId, transactionData: { amount }, printData: { printOrigin: 2 } },
      })),
      { type: 'CancelRequest', header: header(seq.next()), body: { cancelReason: 0 } },
    ];
    const golden = loadVectors()
      .filter((v) => v.direction === 'box->terminal')
      .map((v) => v.hex);
    expect(messages.map((m) => toHex(encodeFrame(m)))).toEqual(golden.slice(0, messages.length));
  });
});

describe('SequenceCounter', () => {
  it('starts at 0 for the HelloResponse, then counts 1, 2, 3', () => {
    const seq = new SequenceCounter();
    expect([seq.next(), seq.next(), seq.next(), seq.next()]).toEqual([0, 1, 2, 3]);
  });

  it('wraps from 65535 to 0', () => {
    const seq = new SequenceCounter();
    for (let i = 0; i < 65535; i++) seq.next();
    expect(seq.peek()).toBe(65535);
    expect(seq.next()).toBe(65535);
    expect(seq.next()).toBe(0);
    expect(seq.next()).toBe(1);
  });

  it('peeks without taking a number', () => {
    const seq = new SequenceCounter();
    seq.next();
    expect(seq.peek()).toBe(1);
    expect(seq.peek()).toBe(1);
    expect(seq.next()).toBe(1);
  });

  it('starts again at 0 after reset, as on a new connection', () => {
    const seq = new SequenceCounter();
    seq.next();
    seq.next();
    seq.reset();
    expect(seq.next()).toBe(0);
  });

  it('nextSequence follows a value modulo 65536', () => {
    expect(nextSequence(0)).toBe(1);
    expect(nextSequence(41)).toBe(42);
    expect(nextSequence(65535)).toBe(0);
  });
});

describe('transactionIdFromUuid', () => {
  it('takes the first 52 bits (13 hex digits) of the UUID', () => {
    expect(transactionIdFromUuid('00007048-860d-df79-8000-000000000000')).toBe(0x00007048860ddn);
    expect(transactionIdFromUuid('ffffffff-ffff-ffff-bfff-ffffffffffff')).toBe(2n ** 52n - 1n);
  });

  it('is a safe integer and the same for the same UUID, in any case', () => {
    const uuid = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
    const id = transactionIdFromUuid(uuid);
    expect(Number.isSafeInteger(Number(id))).toBe(true);
    expect(transactionIdFromUuid(uuid.toUpperCase())).toBe(id);
    expect(id).toBe(0x3f2504e04f891n);
  });

  it('differs for UUIDs that differ in their first 13 hex digits', () => {
    expect(transactionIdFromUuid('3f2504e0-4f89-11d3-9a0c-0305e82c3301')).not.toBe(transactionIdFromUuid('3f2504e0-4f88-11d3-9a0c-0305e82c3301'));
  });

  it.each(['', 'not-a-uuid', '3f2504e0-4f89-11d3-9a0c-0305e82c330', '3f2504e04f8911d39a0c0305e82c3301', 'g f2504e0-4f89-11d3-9a0c-0305e82c3301'])(
    'rejects %j with TLV_BAD_VALUE',
    (bad) => {
      expect(() => transactionIdFromUuid(bad)).toThrow(TlvError);
      expect(() => transactionIdFromUuid(bad)).toThrow(expect.objectContaining({ code: 'TLV_BAD_VALUE' }));
    },
  );
});
