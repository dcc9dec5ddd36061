import type { QueuedCommand } from '../repos/box-commands.js';
import type { Payment } from '../repos/payments.js';

/** The payment a start command starts, with the row version (xmin) its write gave it. */
export interface StartedPayment {
  readonly payment: Payment;
  readonly version: string;
  /** The POS of the order's session: the scope of the payment's live events. */
  readonly posId: number;
}

type Deliver = (command: QueuedCommand, started?: StartedPayment) => void;

/**
 * Lets a service hand a command it has just queued straight to the box's link when this process
 * holds it, instead of waiting for the NOTIFY to come back from the database. The NOTIFY is sent
 * all the same (another process may hold the box); a link sends a command once, whichever brings
 * it first.
 */
export class LocalLinks {
  #deliver: Deliver | null = null;

  /** The uplink of this process takes the commands; returns what lets them go. */
  attach(deliver: Deliver): () => void {
    this.#deliver = deliver;
    return () => {
      if (this.#deliver === deliver) this.#deliver = null;
    };
  }

  /** A command this process has just queued, with the payment it starts as written, if any. */
  queued(command: QueuedCommand, started?: StartedPayment): void {
    this.#deliver?.(command, started);
  }
}
