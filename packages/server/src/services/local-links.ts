import type { Payment } from '../repos/payments.js';

/** A command this process has just queued for a box, with the payment it starts as written. */
export interface QueuedCommand {
  readonly boxId: string;
  readonly id: number;
  readonly kind: string;
  readonly payload: unknown;
  /** The payment the command starts, with the row version (xmin) its write gave it. */
  readonly started?: { readonly payment: Payment; readonly version: string };
}

/**
 * Lets a service hand a command it has just queued straight to the box's link when this process
 * holds it, instead of waiting for the NOTIFY to come back from the database. The NOTIFY is sent
 * all the same (another process may hold the box); a link sends a command once, whichever brings
 * it first.
 */
export class LocalLinks {
  #deliver: ((command: QueuedCommand) => void) | null = null;

  /** The uplink of this process takes the commands; returns what lets them go. */
  attach(deliver: (command: QueuedCommand) => void): () => void {
    this.#deliver = deliver;
    return () => {
      if (this.#deliver === deliver) this.#deliver = null;
    };
  }

  queued(command: QueuedCommand): void {
    this.#deliver?.(command);
  }
}
