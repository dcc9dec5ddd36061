import { describe, expect, it } from 'vitest';
import { runFuzz } from '../src/fuzz/fuzz.js';
import { mutateFrame, randomChunks } from '../src/fuzz/mutate.js';
import { Random } from '../src/fuzz/random.js';
import { TlvErrorCode } from '../src/index.js';

describe('short fuzz run (the long one is npm run fuzz -w @kassa/protocol)', () => {
  it('pushes 30,000 mutated frames through FrameDecoder and only messages or TlvError come out', () => {
    const result = runFuzz({ frames: 30_000, seed: 20261125 });
    expect(result.frames).toBe(30_000);
    expect(result.messages).toBeGreaterThan(0);
    // The mutations reach every layer: the frame head, the TLV structure, the fields and the MDC.
    for (const code of [
      TlvErrorCode.BadMagic,
      TlvErrorCode.FrameTooLarge,
      TlvErrorCode.ChildOverrun,
      TlvErrorCode.BadLength,
      TlvErrorCode.BadValue,
      TlvErrorCode.MdcMismatch,
    ]) {
      expect(result.errorsByCode[code] ?? 0).toBeGreaterThan(0);
    }
  });

  it('is reproducible from its seed', () => {
    expect(runFuzz({ frames: 2_000, seed: 7 })).toEqual(runFuzz({ frames: 2_000, seed: 7 }));
  });
});

describe('fuzz helpers', () => {
  it('mutations change the frame and keep it a byte array', () => {
    const rng = new Random(1);
    const frame = new Uint8Array(64).fill(0x41);
    let changed = 0;
    for (let i = 0; i < 200; i++) {
      const mutated = mutateFrame(rng, frame);
      expect(mutated).toBeInstanceOf(Uint8Array);
      if (mutated.length !== frame.length || mutated.some((b, j) => b !== frame[j])) changed++;
    }
    expect(changed).toBeGreaterThan(190);
    expect(frame.every((b) => b === 0x41)).toBe(true);
  });

  it('random chunks cover the stream exactly, in order', () => {
    const stream = Uint8Array.from({ length: 5000 }, (_, i) => i & 0xff);
    const chunks = randomChunks(new Random(3), stream);
    expect(Buffer.concat(chunks)).toEqual(Buffer.from(stream));
  });
});
