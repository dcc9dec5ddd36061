import { TlvError } from '../errors.js';
import { decodeFrame, encodeFrame } from '../frame.js';
import { FrameDecoder } from '../frame-decoder.js';
import type { Message } from '../message.js';
import { seedFrames } from './corpus.js';
import { mutateFrame, randomChunks } from './mutate.js';
import { Random } from './random.js';
import { hasLatin1Text, sameMessage } from './same-message.js';

export interface FuzzOptions {
  /** Mutated frames to push through FrameDecoder. */
  readonly frames: number;
  readonly seed: number;
  /** Called every `progressEvery` frames. */
  readonly onProgress?: (done: number) => void;
  readonly progressEvery?: number;
}

export interface FuzzResult {
  readonly frames: number;
  readonly bytes: number;
  readonly chunks: number;
  readonly messages: number;
  /** Accepted messages whose re-encoding gave the frame's bytes back. */
  readonly reencodedIdentical: number;
  readonly errorsByCode: Readonly<Record<string, number>>;
}

/** Something other than a message or a TlvError came out of the decoder. */
export class FuzzFailure extends Error {
  override readonly name = 'FuzzFailure';
  constructor(
    message: string,
    readonly input: Uint8Array,
    readonly seed: number,
  ) {
    super(message);
  }
}

const FRAMES_PER_STREAM = 8;

/**
 * Pushes mutated frames through FrameDecoder in random chunks and checks the
 * decoder's contract: only messages or TlvError come out, never another
 * exception; every accepted message re-encodes, and decodes back to itself.
 */
export function runFuzz(options: FuzzOptions): FuzzResult {
  const rng = new Random(options.seed);
  const seeds = seedFrames();
  const errorsByCode: Record<string, number> = {};
  let frames = 0;
  let bytes = 0;
  let chunks = 0;
  let messages = 0;
  let reencodedIdentical = 0;
  const every = options.progressEvery ?? 100_000;

  while (frames < options.frames) {
    const batch: Uint8Array[] = [];
    const count = Math.min(1 + rng.int(FRAMES_PER_STREAM), options.frames - frames);
    // A valid frame now and then between mutated ones checks that the decoder recovers where it can.
    for (let i = 0; i < count; i++) batch.push(rng.next() < 0.1 ? rng.pick(seeds) : mutateFrame(rng, rng.pick(seeds)));
    const stream = concat(batch);
    const verifyMdc = rng.next() < 0.5;
    const accepted: [Message, Uint8Array][] = [];
    // A fatal error (bad magic, hostile prefix) stops a decoder for good; a new one takes over at the next frame.
    for (let from = 0; from < stream.length;) {
      const decoder = new FrameDecoder({
        verifyMdc,
        onMessage: (message, frame) => accepted.push([message, frame.slice()]),
        onError: (error) => {
          if (!(error instanceof TlvError)) throw new FuzzFailure(`onError received ${String(error)}`, stream, options.seed);
          errorsByCode[error.code] = (errorsByCode[error.code] ?? 0) + 1;
        },
      });
      for (const chunk of randomChunks(rng, stream.subarray(from))) {
        try {
          decoder.push(chunk);
        } catch (error) {
          throw new FuzzFailure(`FrameDecoder.push threw ${String(error)}`, stream, options.seed);
        }
        chunks++;
        if (decoder.failed) break;
      }
      const failedAt = decoder.failed?.offset;
      if (failedAt === undefined) break;
      from = nextBoundary(batch, from + failedAt);
    }
    for (const [message, frame] of accepted) {
      if (checkReencoding(message, frame, verifyMdc, stream, options.seed)) reencodedIdentical++;
    }
    messages += accepted.length;
    const before = frames;
    frames += count;
    bytes += stream.length;
    if (options.onProgress && Math.floor(before / every) !== Math.floor(frames / every)) options.onProgress(frames);
  }
  return { frames, bytes, chunks, messages, reencodedIdentical, errorsByCode };
}

/** True when the bytes came back identical; the message must come back equal in any case. */
function checkReencoding(message: Message, frame: Uint8Array, verifyMdc: boolean, stream: Uint8Array, seed: number): boolean {
  let again: Uint8Array;
  try {
    again = encodeFrame(message);
  } catch (error) {
    throw new FuzzFailure(`an accepted message does not re-encode: ${String(error)}`, frame, seed);
  }
  const { mdc: _mdc, ...withoutMdc } = message;
  let back: Message;
  try {
    back = decodeFrame(again);
  } catch (error) {
    throw new FuzzFailure(`a re-encoded message does not decode: ${String(error)}`, frame, seed);
  }
  const { mdc: _mdc2, ...backWithoutMdc } = back;
  if (!sameMessage(withoutMdc, backWithoutMdc)) throw new FuzzFailure('a re-encoded message decodes to another message', stream, seed);
  const identical = again.length === frame.length && again.every((b, i) => b === frame[i]);
  // With the MDC checked, only text that is not UTF-8 (read as Latin-1, written as UTF-8) may change bytes.
  if (!identical && verifyMdc && !hasLatin1Text(message)) throw new FuzzFailure('an accepted UTF-8 frame re-encodes to other bytes', frame, seed);
  return identical;
}

/** The start of the first generated frame after stream offset `at`. */
function nextBoundary(batch: readonly Uint8Array[], at: number): number {
  let boundary = 0;
  for (const frame of batch) {
    boundary += frame.length;
    if (boundary > at) return boundary;
  }
  return boundary;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
