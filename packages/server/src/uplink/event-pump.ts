import type { BoxEventMessage } from '@kassa/contract';

/**
 * Hands a box's events to a few workers in batches. An event goes to the worker its key (payment
 * or terminal) hashes to, so the events of one payment are applied in the order they arrived; a
 * worker takes everything queued for it at once, so under load many events share one commit.
 */
export class EventPump {
  readonly #queues: BoxEventMessage[][];
  readonly #running: (Promise<void> | null)[];
  readonly #apply: (batch: BoxEventMessage[]) => Promise<void>;
  readonly #maxBatch: number;

  constructor(options: { workers: number; maxBatch: number; apply: (batch: BoxEventMessage[]) => Promise<void> }) {
    this.#queues = Array.from({ length: options.workers }, () => []);
    this.#running = Array.from({ length: options.workers }, () => null);
    this.#apply = options.apply;
    this.#maxBatch = options.maxBatch;
  }

  push(key: string, message: BoxEventMessage): void {
    const worker = hash(key) % this.#queues.length;
    this.#queues[worker]?.push(message);
    if (this.#running[worker] === null) this.#running[worker] = this.#drain(worker);
  }

  /** Resolves when every queued event has been handed to `apply` and it finished. */
  async settled(): Promise<void> {
    while (this.#running.some((r) => r !== null)) await Promise.allSettled(this.#running);
  }

  async #drain(worker: number): Promise<void> {
    const queue = this.#queues[worker] ?? [];
    try {
      while (queue.length > 0) await this.#apply(queue.splice(0, this.#maxBatch));
    } finally {
      this.#running[worker] = null;
    }
  }
}

function hash(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0;
  return h >>> 0;
}
