import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, type MessageInput } from '../src/index.js';
import { cat } from './support/builder.js';
import { FIXTURES } from './support/fixtures.js';
import { collecting, pushSplit } from './support/stream.js';

const withMdc = (message: object): object => ({ ...message, mdc: expect.any(Number) });

describe.each(FIXTURES)('fixture: $name', ({ message, bytes }) => {
  it('decodes to the message', () => {
    expect(decodeFrame(bytes)).toEqual(withMdc(message));
  });

  it('encodes to the bytes', () => {
    expect(encodeFrame(message as MessageInput)).toEqual(bytes);
  });

  it('round-trips: decode then encode gives the same bytes', () => {
    expect(encodeFrame(decodeFrame(bytes))).toEqual(bytes);
  });

  it('streams through FrameDecoder split at every point', () => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { messages, errors, decoder } = collecting();
      pushSplit(decoder, bytes, [cut]);
      expect(errors).toEqual([]);
      expect(messages).toEqual([withMdc(message)]);
      expect(decoder.buffered).toBe(0);
    }
  });

  it('streams through FrameDecoder one byte at a time', () => {
    const { messages, errors, decoder } = collecting();
    for (let i = 0; i < bytes.length; i++) {
      decoder.push(bytes.subarray(i, i + 1));
      expect(messages).toHaveLength(i === bytes.length - 1 ? 1 : 0);
    }
    expect(errors).toEqual([]);
    expect(messages[0]).toEqual(withMdc(message));
  });
});

describe('FrameDecoder with every fixture in one stream', () => {
  const stream = cat(...FIXTURES.map((f) => f.bytes));
  const expected = FIXTURES.map((f) => withMdc(f.message));

  it('yields every message in order from a single chunk', () => {
    const { messages, errors, decoder } = collecting();
    decoder.push(stream);
    expect(errors).toEqual([]);
    expect(messages).toEqual(expected);
    expect(decoder.buffered).toBe(0);
  });

  it('yields every message in order when the stream is cut at any point', () => {
    for (let cut = 0; cut <= stream.length; cut += 7) {
      const { messages, errors, decoder } = collecting();
      pushSplit(decoder, stream, [cut, Math.min(stream.length, cut + 13)]);
      expect(errors).toEqual([]);
      expect(messages).toHaveLength(FIXTURES.length);
    }
  });

  it('yields every message in order from 1,460-byte chunks', () => {
    const { messages, errors, decoder } = collecting();
    for (let i = 0; i < stream.length; i += 1460) decoder.push(stream.subarray(i, i + 1460));
    expect(errors).toEqual([]);
    expect(messages).toEqual(expected);
  });

  it('keeps the leftover of a cut frame until the rest arrives', () => {
    const { messages, decoder } = collecting();
    const first = FIXTURES[0]!.bytes;
    const second = FIXTURES[1]!.bytes;
    decoder.push(cat(first, second.subarray(0, 5)));
    expect(messages).toHaveLength(1);
    expect(decoder.buffered).toBe(5);
    decoder.push(second.subarray(5));
    expect(messages).toHaveLength(2);
    expect(decoder.buffered).toBe(0);
  });

  it('does not alias the pushed chunk: messages survive the caller reusing its buffer', () => {
    const fixture = FIXTURES.find((f) => f.name.startsWith('TransactionResponse with a 300-byte'))!;
    const { messages, decoder } = collecting();
    const chunk = Uint8Array.from(fixture.bytes);
    decoder.push(chunk);
    chunk.fill(0);
    expect(messages[0]).toEqual(withMdc(fixture.message));
  });
});
