import type { BoxEventMessage } from '@kassa/contract';

export interface EventPumpOptions<S> {
  readonly workers: number;
  readonly maxBatch: number;
  /** Runs one worker's drain; lets the caller give it a database session of its own. */
  readonly session: (work: (session: S) => Promise<void>) => Promise<void>;
  readonly apply: (batch: BoxEventMessage[], session: S) => Promise<void>;
  /** A drain failed outside `apply` (no session could be had): its events stay queued. */
  readonly failed: (error: unknown) => void;
}

/**
 * Hands a box's events to a few workers in batches. An event goes to the worker its key (payment
 * or terminal) hashes to, so the events of one payment are applied in the order they arrived; a
 * worker takes everything queued for it at once, so under load many events share one commit.
 */
export class EventPump<S> {
  readonly #queues: BoxEventMessage[][];
  readonly #running: (Promise<void> | null)[];
  readonly #options: EventPumpOptions<S>;

  constructor(options: EventPumpOptions<S>) {
    this.#options = options;
    this.#queues = Array.from({ length: options.workers }, () => []);
    this.#running = Array.from({ length: options.workers }, () => null);
  }

  push(key: string, message: BoxEventMessage): void {
    const worker = hash(key) % this.#queues.length;
    this.#queues[worker]?.push(message);
    this.#start(worker);
  }

  /** Workers applying events now. */
  get running(): number {
    return this.#running.filter((r) => r !== null).length;
  }

  /** Events waiting for their worker. */
  get queued(): number {
    return this.#queues.reduce((sum, queue) => sum + queue.length, 0);
  }

  /** Resolves when every queued event has been handed to `apply` and it finished. */
  async settled(): Promise<void> {
    while (this.#running.some((r) => r !== null)) await Promise.allSettled(this.#running);
  }

  #start(worker: number): void {
    if (this.#running[worker] !== null || (this.#queues[worker]?.length ?? 0) === 0) return;
    this.#running[worker] = this.#drain(worker);
  }

  async #drain(worker: number): Promise<void> {
    const queue = this.#queues[worker] ?? [];
    try {
      await this.#options.session(async (session) => {
        while (queue.length > 0) await this.#options.apply(queue.splice(0, this.#options.maxBatch), session);
      });
    } catch (error) {
      this.#options.failed(error);
      return;
    } finally {
      this.#running[worker] = null;
    }
    // Events pushed while the session was being given back would otherwise wait for the next push.
    this.#start(worker);
  }
}

function hash(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0;
  return h >>> 0;
}
