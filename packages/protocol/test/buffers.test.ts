import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, type MessageInput, type TypedMessage } from '../src/index.js';
import { collecting } from './support/stream.js';

const header = (sequenceNumber: number) => ({ protocolId: '00000100', terminalId: '12345678', ecrId: 'odoo', sequenceNumber });
const ticket = (length: number, sequenceNumber = 1): MessageInput => ({
  type: 'TransactionResponse',
  header: header(sequenceNumber),
  body: { transactionResult: 0, tickets: [{ ticketBody: 'x'.repeat(length) }] },
});

describe('encodeFrame output buffers', () => {
  it('frames already returned stay intact while many more are encoded', () => {
    const frames = Array.from({ length: 3000 }, (_, i) =>
      encodeFrame({ type: 'KeepAliveResponse', header: header(i), body: { keepAliveReason: 1, resultCode: 0 } }),
    );
    frames.forEach((frame, i) => expect(decodeFrame(frame).header.sequenceNumber).toBe(i));
  });

  it('encodes a frame larger than its write buffer, and smaller ones after it', () => {
    const small = encodeFrame(ticket(10, 1));
    const large = encodeFrame(ticket(40_000, 2));
    const after = encodeFrame(ticket(10, 3));
    expect(((decodeFrame(large) as TypedMessage).body.tickets?.[0]?.ticketBody ?? '').length).toBe(40_000);
    expect(decodeFrame(small).header.sequenceNumber).toBe(1);
    expect(decodeFrame(after).header.sequenceNumber).toBe(3);
  });

  it('consecutive small frames are views of a few shared buffers, not an allocation each', () => {
    const frames = Array.from({ length: 100 }, (_, i) => encodeFrame(ticket(10, i)));
    expect(new Set(frames.map((f) => f.buffer)).size).toBeLessThanOrEqual(2);
    for (let i = 1; i < frames.length; i++) {
      const [a, b] = [frames[i - 1]!, frames[i]!];
      if (a.buffer === b.buffer) expect(b.byteOffset).toBeGreaterThanOrEqual(a.byteOffset + a.length);
    }
  });

  it('a frame can be modified by its owner without touching the next one', () => {
    const first = encodeFrame(ticket(10, 1));
    const second = encodeFrame(ticket(10, 2));
    first.fill(0);
    expect(decodeFrame(second).header.sequenceNumber).toBe(2);
  });
});

describe('FrameDecoder buffering', () => {
  it('reassembles frames larger than its first buffer from small chunks', () => {
    const frames = [encodeFrame(ticket(5_000, 1)), encodeFrame(ticket(60_000, 2)), encodeFrame(ticket(3, 3))].map((f) => f.slice());
    const stream = Buffer.concat(frames);
    const { messages, errors, decoder } = collecting();
    for (let at = 0; at < stream.length; at += 997) decoder.push(stream.subarray(at, at + 997));
    expect(errors).toEqual([]);
    expect(messages.map((m) => m.header.sequenceNumber)).toEqual([1, 2, 3]);
    expect(decoder.buffered).toBe(0);
  });

  it('rejects a frame one byte over maxFrameSize and accepts one at it', () => {
    const frame = encodeFrame(ticket(100)).slice();
    const atLimit = collecting({ maxFrameSize: frame.length });
    atLimit.decoder.push(frame);
    expect(atLimit.messages).toHaveLength(1);
    const overLimit = collecting({ maxFrameSize: frame.length - 1 });
    overLimit.decoder.push(frame.subarray(0, 4));
    expect(overLimit.errors.map((e) => e.code)).toEqual(['TLV_FRAME_TOO_LARGE']);
    expect(overLimit.decoder.buffered).toBe(0);
  });
});
