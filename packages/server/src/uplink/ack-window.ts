import { MAX_ACK_IDS, type ServerAck } from '@kassa/contract';

/**
 * Acknowledgements wait this long to go out together: at 300 payments a second, one message for
 * the events of every batch applied in that time instead of one per batch (a write on the link,
 * and a journal record at the box, each). An acknowledgement not yet sent only means the box keeps
 * the event and sends it again on its next link, where it is found applied. (A batch applied
 * while nothing else is is acknowledged at once: see EventInbox.)
 */
export const ACK_WINDOW_MS = 10;

/** Gathers the ids of applied events and acknowledges them together, a window after the first. */
export class AckWindow {
  #ids: string[] = [];
  #timer: NodeJS.Timeout | null = null;
  readonly #send: (ack: ServerAck) => void;
  readonly #windowMs: number;

  constructor(send: (ack: ServerAck) => void, windowMs = ACK_WINDOW_MS) {
    this.#send = send;
    this.#windowMs = windowMs;
  }

  /** Queues ids for the acknowledgement sent when the window that the first of them opened ends. */
  add(ids: readonly string[]): void {
    if (ids.length === 0) return;
    this.#ids.push(...ids);
    if (this.#timer !== null) return;
    this.#timer = setTimeout(() => this.flush(), this.#windowMs);
    // A process that stops meanwhile loses nothing: the box sends the events again.
    this.#timer.unref();
  }

  /** Sends what is queued now, in messages of at most MAX_ACK_IDS ids. */
  flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const ids = this.#ids;
    this.#ids = [];
    for (let start = 0; start < ids.length; start += MAX_ACK_IDS) this.#send({ type: 'ack', ids: ids.slice(start, start + MAX_ACK_IDS) });
  }
}
