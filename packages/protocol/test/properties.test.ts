import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, FrameDecoder, genericNameOf, isTyped, TlvError, TYPED_MESSAGE_IDS, type MessageInput } from '../src/index.js';
import { hasLatin1Text } from '../src/fuzz/same-message.js';
import { anyMessage } from './support/arbitraries.js';

/** What decodeFrame should give back for a message the encoder took. */
function expectedDecoding(input: MessageInput): object {
  // The decoder leaves out an absent EcrId rather than writing it as undefined.
  const header = JSON.parse(JSON.stringify(input.header)) as object;
  if ('body' in input) return { type: input.type, typeId: TYPED_MESSAGE_IDS[input.type], header, body: input.body, mdc: expect.any(Number) };
  return { type: genericNameOf(input.typeId), typeId: input.typeId, header, tlv: input.tlv, mdc: expect.any(Number) };
}

/** Runs `decode`, letting through only TlvError. */
function onlyTlvErrors(decode: () => void): void {
  try {
    decode();
  } catch (error) {
    if (!(error instanceof TlvError)) throw error;
  }
}

function streamDecode(bytes: Uint8Array, cuts: number[]): void {
  const decoder = new FrameDecoder({
    onMessage: (m) => expect(typeof m.type).toBe('string'),
    onError: (e) => expect(e).toBeInstanceOf(TlvError),
  });
  let from = 0;
  for (const cut of [...cuts.filter((c) => c <= bytes.length).sort((a, b) => a - b), bytes.length]) {
    decoder.push(bytes.subarray(from, cut));
    from = cut;
  }
}

describe('properties', () => {
  it('any message the encoder produces decodes back to itself and re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(anyMessage, (message) => {
        const bytes = encodeFrame(message);
        const decoded = decodeFrame(bytes);
        expect(decoded).toEqual(expectedDecoding(message));
        expect(encodeFrame(decoded)).toEqual(bytes);
      }),
      { numRuns: 250 },
    );
  });

  it('any encoded message streams through FrameDecoder cut anywhere', () => {
    fc.assert(
      fc.property(anyMessage, fc.array(fc.nat(), { maxLength: 4 }), (message, rawCuts) => {
        const bytes = encodeFrame(message);
        const cuts = rawCuts.map((c) => c % (bytes.length + 1));
        const got: unknown[] = [];
        const decoder = new FrameDecoder({ onMessage: (m) => got.push(m), onError: (e) => got.push(e) });
        let from = 0;
        for (const cut of [...cuts.sort((a, b) => a - b), bytes.length]) {
          decoder.push(bytes.subarray(from, cut));
          from = cut;
        }
        expect(got).toEqual([decodeFrame(bytes)]);
      }),
      { numRuns: 200 },
    );
  });

  it('random bytes only ever give a message or a TlvError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat({ max: 400 }), { maxLength: 5 }), (bytes, cuts) => {
        onlyTlvErrors(() => decodeFrame(bytes));
        streamDecode(bytes, cuts);
      }),
      { numRuns: 1000 },
    );
  });

  it('random bytes behind a valid frame head only ever give a message or a TlvError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (tail) => {
        const bytes = new Uint8Array(12 + tail.length);
        new DataView(bytes.buffer).setUint32(0, 8 + tail.length);
        bytes.set(new TextEncoder().encode('P4Y-ECR!'), 4);
        bytes.set(tail, 12);
        onlyTlvErrors(() => decodeFrame(bytes));
        onlyTlvErrors(() => decodeFrame(bytes, { verifyMdc: false }));
      }),
      { numRuns: 1000 },
    );
  });

  it('mutated valid frames only ever give a message or a TlvError, and what is accepted re-encodes faithfully', () => {
    const mutation = fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }), kind: fc.constantFrom('set', 'insert', 'delete') });
    fc.assert(
      fc.property(anyMessage, fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (message, mutations, fixPrefix) => {
        const bytes = Array.from(encodeFrame(message));
        for (const { at, value, kind } of mutations) {
          const i = at % (bytes.length + 1);
          if (kind === 'set' && i < bytes.length) bytes[i] = value;
          else if (kind === 'insert') bytes.splice(i, 0, value);
          else bytes.splice(i, 1);
        }
        const frame = Uint8Array.from(bytes);
        if (fixPrefix && frame.length >= 4) new DataView(frame.buffer).setUint32(0, frame.length - 4);
        for (const verifyMdc of [true, false]) {
          let decoded;
          try {
            decoded = decodeFrame(frame, { verifyMdc });
          } catch (error) {
            expect(error).toBeInstanceOf(TlvError);
            continue;
          }
          const again = encodeFrame(decoded);
          const { mdc: _a, ...back } = decodeFrame(again);
          const { mdc: _b, ...original } = decoded;
          expect(back).toEqual(original);
          if (verifyMdc && !hasLatin1Text(decoded)) expect(again).toEqual(frame);
          expect(isTyped(decoded) || Array.isArray(decoded.tlv)).toBe(true);
        }
        streamDecode(frame, [mutations[0]!.at % (frame.length + 1)]);
      }),
      { numRuns: 800 },
    );
  });
});
