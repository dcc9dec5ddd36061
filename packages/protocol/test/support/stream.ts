import { FrameDecoder, type FrameDecoderOptions, type Message, type TlvError } from '../../src/index.js';

export interface Collected {
  readonly messages: Message[];
  readonly errors: TlvError[];
  readonly decoder: FrameDecoder;
}

/** A FrameDecoder that records what it yields. */
export function collecting(options: Partial<FrameDecoderOptions> = {}): Collected {
  const messages: Message[] = [];
  const errors: TlvError[] = [];
  const decoder = new FrameDecoder({ onMessage: (m) => messages.push(m), onError: (e) => errors.push(e), ...options });
  return { messages, errors, decoder };
}

/** Pushes `bytes` cut at the given offsets (increasing). */
export function pushSplit(decoder: FrameDecoder, bytes: Uint8Array, cuts: readonly number[]): void {
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    decoder.push(bytes.subarray(from, cut));
    from = cut;
  }
}
