import type { Random } from './random.js';

/** Bytes that often sit on a boundary of the format: BER markers, long-form lengths, constructed tags. */
const INTERESTING = [0x00, 0x01, 0x1f, 0x20, 0x7f, 0x80, 0x81, 0x82, 0x84, 0x85, 0xa6, 0xe2, 0xef, 0xf0, 0xff];
/** Long-form lengths, shortest and not, small and hostile. */
const LONG_LENGTHS = [
  [0x81, 0x05],
  [0x81, 0x80],
  [0x81, 0xff],
  [0x82, 0x00, 0x80],
  [0x82, 0x01, 0x00],
  [0x82, 0xff, 0xff],
  [0x83, 0x01, 0x00, 0x00],
  [0x84, 0x7f, 0xff, 0xff, 0xff],
  [0x84, 0xff, 0xff, 0xff, 0xff],
  [0x80],
  [0x85, 1, 2, 3, 4, 5],
];

export type MutationName = 'bitFlip' | 'truncate' | 'insert' | 'remove' | 'longLength' | 'interesting' | 'duplicate' | 'prefix';

const MUTATIONS: readonly MutationName[] = ['bitFlip', 'truncate', 'insert', 'remove', 'longLength', 'interesting', 'duplicate', 'prefix'];

function splice(bytes: Uint8Array, at: number, remove: number, insert: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(bytes.length - remove + insert.length);
  out.set(bytes.subarray(0, at), 0);
  out.set(insert, at);
  out.set(bytes.subarray(at + remove), at + insert.length);
  return out;
}

function mutateOnce(rng: Random, bytes: Uint8Array, name: MutationName): Uint8Array {
  const at = rng.int(bytes.length + 1);
  switch (name) {
    case 'bitFlip': {
      const out = Uint8Array.from(bytes);
      const flips = 1 + rng.int(4);
      for (let i = 0; i < flips && out.length > 0; i++) out[rng.int(out.length)]! ^= 1 << rng.int(8);
      return out;
    }
    case 'truncate':
      return bytes.slice(0, at);
    case 'insert':
      return splice(bytes, at, 0, rng.bytes(1 + rng.int(16)));
    case 'remove':
      return splice(bytes, at, Math.min(bytes.length - at, 1 + rng.int(8)), []);
    case 'longLength':
      // Replace what is likely a length byte (any byte past the frame head) with a long form.
      return splice(bytes, Math.min(at, bytes.length), at < bytes.length ? 1 : 0, rng.pick(LONG_LENGTHS));
    case 'interesting': {
      const out = Uint8Array.from(bytes);
      if (out.length > 0) out[rng.int(out.length)] = rng.pick(INTERESTING);
      return out;
    }
    case 'duplicate': {
      const from = rng.int(bytes.length + 1);
      const slice = bytes.slice(from, from + 1 + rng.int(32));
      return splice(bytes, at, 0, slice);
    }
    case 'prefix': {
      const out = Uint8Array.from(bytes);
      const value = rng.pick([0, 9, 10, 0x7fffffff, 0xffffffff, 0x10000, rng.int(0x20000), bytes.length - 4 + rng.int(9) - 4]);
      if (out.length >= 4) new DataView(out.buffer).setUint32(0, value >>> 0);
      return out;
    }
  }
}

/**
 * One to three mutations of a valid frame. Most of the time the length prefix is
 * then corrected, so the damage reaches the TLV decoder instead of stopping at
 * the prefix check.
 */
export function mutateFrame(rng: Random, frame: Uint8Array): Uint8Array {
  let bytes = frame;
  const count = 1 + rng.int(3);
  let touchedPrefix = false;
  for (let i = 0; i < count; i++) {
    const name = rng.pick(MUTATIONS);
    touchedPrefix ||= name === 'prefix';
    bytes = mutateOnce(rng, bytes, name);
  }
  if (!touchedPrefix && bytes.length >= 4 && rng.next() < 0.75) {
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(0, bytes.length - 4);
    fitRootLength(bytes);
  }
  return bytes;
}

/** Makes the root F0's length (when its form allows) agree with the bytes, so the decoder looks inside. */
function fitRootLength(bytes: Uint8Array): void {
  if (bytes.length < 15 || bytes[12] !== 0xf0) return;
  const form = bytes[13]!;
  const count = form < 0x80 ? 0 : form & 0x7f;
  const rest = bytes.length - 14 - count;
  if (count === 0 && rest < 0x80) bytes[13] = rest;
  else if (count === 1 && rest >= 0x80 && rest <= 0xff) bytes[14] = rest;
  else if (count === 2 && rest >= 0x100 && rest <= 0xffff && bytes.length > 15) {
    bytes[14] = rest >> 8;
    bytes[15] = rest & 0xff;
  }
}

/** Cuts a stream into chunks of random sizes, from single bytes to whole segments. */
export function randomChunks(rng: Random, stream: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < stream.length;) {
    const size = rng.pick([1, 2, 3, 5, 8, 13, 64, 1460, 4096, 1 + rng.int(200)]);
    chunks.push(stream.subarray(at, at + size));
    at += size;
  }
  return chunks;
}
