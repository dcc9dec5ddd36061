import type { PaymentState } from '../domain/payment-states.js';
import { FINAL_STATES } from '../domain/payment-states.js';
import type { Payment } from '../repos/payments.js';

const SETTLED: ReadonlySet<PaymentState> = new Set(FINAL_STATES);

/** How many running payments a link remembers; a box rarely runs more than one per terminal. */
export const DEFAULT_KNOWN_PAYMENTS = 4096;

/**
 * The running payments a box link last wrote, each as its write left it with the row version
 * (xmin) PostgreSQL gave it. The next batch of events for these payments is written without
 * reading them first: the write checks the versions, so a payment that anything else changed
 * meanwhile (a cashier's cancel, another process) makes it write nothing, and the batch is then
 * applied from what the database holds. The database stays the only record; this is what the link
 * would read back.
 */
export class KnownPayments {
  readonly #entries = new Map<string, { readonly payment: Payment; readonly version: string; readonly posId: number | null }>();
  readonly #limit: number;

  constructor(limit = DEFAULT_KNOWN_PAYMENTS) {
    this.#limit = limit;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The payments of `uuids` it knows, with their versions and POS (where known), and the uuids it does not know. */
  recall(uuids: readonly string[]): { payments: Map<string, Payment>; versions: Map<string, string>; posIds: Map<string, number>; unknown: string[] } {
    const payments = new Map<string, Payment>();
    const versions = new Map<string, string>();
    const posIds = new Map<string, number>();
    const unknown: string[] = [];
    for (const uuid of uuids) {
      const known = this.#entries.get(uuid);
      if (known === undefined) {
        unknown.push(uuid);
        continue;
      }
      payments.set(uuid, known.payment);
      versions.set(uuid, known.version);
      if (known.posId !== null) posIds.set(uuid, known.posId);
    }
    return { payments, versions, posIds, unknown };
  }

  /**
   * Remembers a payment as written at `version`, with the POS of its order's session when known
   * (the scope of its live events); a settled one is forgotten (its events are over).
   */
  remember(payment: Payment, version: string, posId: number | null = null): void {
    this.#entries.delete(payment.uuid);
    if (SETTLED.has(payment.state)) return;
    this.#entries.set(payment.uuid, { payment, version, posId });
    // A Map keeps insertion order: the first entry is the one written longest ago.
    if (this.#entries.size > this.#limit) this.#entries.delete(this.#entries.keys().next().value ?? '');
  }

  forget(uuids: Iterable<string>): void {
    for (const uuid of uuids) this.#entries.delete(uuid);
  }

  clear(): void {
    this.#entries.clear();
  }
}
