import { decodeFrame } from '@kassa/protocol';
import { describe, expect, it } from 'vitest';
import { hugeLengthFrame, JUNK_KINDS, junk, seedFrames } from './junk.js';
import { Random } from './random.js';

describe('junk for port 9000', () => {
  it('starts from well-formed frames that the codec decodes', () => {
    const seeds = seedFrames('NB000001');
    expect(seeds.length).toBeGreaterThan(3);
    for (const frame of seeds) expect(() => decodeFrame(frame)).not.toThrow();
  });

  it('announces 2 GiB with the 7fffffff length prefix and the magic', () => {
    expect(hugeLengthFrame().toString('hex')).toBe(`7fffffff${Buffer.from('P4Y-ECR!').toString('hex')}`);
  });

  it('makes every kind of junk, the same for the same seed', () => {
    const seeds = seedFrames('NB000001');
    const a = new Random(4);
    const b = new Random(4);
    for (const kind of JUNK_KINDS) {
      const piece = junk(kind, seeds, a);
      expect(piece.length, kind).toBeGreaterThan(0);
      expect(junk(kind, seeds, b).equals(piece), kind).toBe(true);
    }
  });
});
