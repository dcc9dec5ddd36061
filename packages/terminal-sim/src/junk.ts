import { encodeFrame, MAGIC, type Header } from '@kassa/protocol';
import { randomBytes, randomInt, type Random } from './random.js';
import type { JunkKind } from './script.js';

/**
 * Deliberately broken bytes, for boxes to prove they survive them.
 * - `bad-mdc`: a well-formed InformationReport whose MDC is wrong (the box can skip it and read on).
 * - `bad-tlv`: right length prefix and magic, but a header TLV that overruns the root (skippable too).
 * - `random`: 12 to 32 random bytes whose first byte is non-zero, so they announce a frame far
 *   beyond any sane maximum: the stream cannot be resynchronised and the box must drop the connection.
 * - `huge-length`: a length prefix of 2 GiB and the right magic, nothing more: the box must refuse
 *   it before allocating anything.
 * - `half-frame`: the first half of a good frame and never the rest: a box must not wait for it
 *   forever (what follows on the stream is read as the frame's remainder).
 */
export function junkBytes(kind: JunkKind, header: Header, random: Random): Uint8Array {
  switch (kind) {
    case 'bad-mdc': {
      const frame = encodeFrame({ type: 'InformationReport', header, body: { stageMessage: 'junk' } });
      frame[frame.length - 1] = frame[frame.length - 1]! ^ 0xff;
      return frame;
    }
    case 'bad-tlv': {
      const root = Uint8Array.of(0xf0, 0x03, 0xe1, 0x09, 0x10);
      const frame = new Uint8Array(4 + MAGIC.length + root.length);
      new DataView(frame.buffer).setUint32(0, MAGIC.length + root.length);
      frame.set(MAGIC, 4);
      frame.set(root, 4 + MAGIC.length);
      return frame;
    }
    case 'huge-length': {
      const frame = new Uint8Array(4 + MAGIC.length);
      new DataView(frame.buffer).setUint32(0, 0x7fffffff);
      frame.set(MAGIC, 4);
      return frame;
    }
    case 'half-frame': {
      const frame = encodeFrame({ type: 'InformationReport', header, body: { stageMessage: 'half' } });
      return frame.subarray(0, Math.floor(frame.length / 2));
    }
    case 'random': {
      const bytes = randomBytes(random, randomInt(random, 12, 32));
      bytes[0] = 1 + (bytes[0]! % 255);
      return bytes;
    }
  }
}
