import { describe, expect, it } from 'vitest';
import { encodeFrame, nextSequence, SequenceCounter, toHex, type MessageInput } from '../src/index.js';
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
