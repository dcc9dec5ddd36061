import type { PaymentBoxEvent } from '@kassa/contract';
import type { PaymentState } from '../../domain/payment-states.js';
import { FINAL_STATES, nextPaymentState } from '../../domain/payment-states.js';
import { distrust } from '../../domain/box-trust.js';
import type { LiveEventData, LiveTopic } from '@kassa/contract';
import type { Audience, NewLiveEvent } from '../../repos/events.js';
import type { Executor } from '../../repos/executor.js';
import type { Payment } from '../../repos/payments.js';
import type { HistoryRow } from '../../repos/uplink-batch.js';
import { writeBatch } from '../../repos/uplink-batch.js';
import { recordUnmatchedEvents } from '../../repos/uplink-boxes.js';
import type { ServiceContext } from '../context.js';
import { iso, noteFinished } from '../context.js';
import { paymentView } from '../payments.js';
import type { PaymentChange } from './history.js';
import { claimOf, describeChange } from './history.js';
import type { Announcer, BoxEventOutcome } from './outcome.js';

/** One box event about a payment, as a batch takes it. */
export interface PaymentEventIn {
  readonly eventId: string;
  /** When the box says it happened. */
  readonly boxAt: string;
  readonly event: PaymentBoxEvent;
}

/**
 * The payment side of a batch: transitions are computed in memory through the state table, in
 * order, then history, tickets, states, live events and unmatched events are written set-wise.
 */
export class PaymentBatch implements Announcer {
  readonly #history: HistoryRow[] = [];
  readonly #tickets: { paymentUuid: string; type: string; text: string; at: Date }[] = [];
  readonly #states = new Map<string, { uuid: string; state: PaymentState; transactionId: string | null; at: Date }>();
  readonly #live: (NewLiveEvent & { at: Date; posId?: number | null })[] = [];
  /** Where each payment's live event sits in #live: a batch announces a payment once, as it leaves it. */
  readonly #liveOf = new Map<string, number>();
  readonly #unmatched: { eventId: string; kind: string; paymentUuid: string; reason: string; data: unknown }[] = [];
  /** Payments this batch brings to a final state, told to the metrics once it is written. */
  readonly #finishing: { payment: Payment; next: PaymentState }[] = [];
  /** Each payment as the batch has left it so far: the next event about it starts from there. */
  readonly #payments: Map<string, Payment>;
  /** The POS of each payment's order's session, where known: its live events carry it (see writeBatch). */
  readonly #posIds: ReadonlyMap<string, number>;
  readonly #at: Date;

  constructor(
    readonly trx: Executor,
    readonly ctx: ServiceContext,
    readonly boxId: string,
    payments: ReadonlyMap<string, Payment> = new Map(),
    posIds: ReadonlyMap<string, number> = new Map(),
  ) {
    this.#at = ctx.now();
    this.#payments = new Map(payments);
    this.#posIds = posIds;
  }

  /** A payment as the batch leaves it (after the events applied so far), if the batch knows it. */
  payment(uuid: string): Payment | undefined {
    return this.#payments.get(uuid);
  }

  /** Applies one payment event through the trust check and the state table; returns its outcome. */
  apply({ eventId, boxAt, event }: PaymentEventIn): BoxEventOutcome {
    const payment = this.#payments.get(event.paymentUuid) ?? null;
    if (payment === null || payment.boxId !== this.boxId) {
      const reason = payment === null ? 'no such payment' : 'the payment belongs to another box';
      this.#unmatched.push({ eventId, kind: event.kind, paymentUuid: event.paymentUuid, reason, data: event });
      return 'unmatched';
    }
    const refused = distrust({ payment, claim: claimOf(event) });
    if (refused !== null) {
      // Kept with what the box said, so that a person can see it; the payment does not move.
      const change: PaymentChange = { event: 'untrusted', message: refused.reason, data: { refused: refused.code, eventId, boxAt, event }, tickets: [] };
      this.record(payment, change, { source: 'box', next: null, eventId });
      return 'recorded';
    }
    const change = describeChange(event, payment);
    const next = nextPaymentState({ state: payment.state, event: change.event });
    // The transaction the box reports sending is the only one whose answers count from now on (a
    // payment the terminal is done with has nothing more to count).
    const learnt = event.kind === 'transactionSent' && payment.transactionId === null && !FINAL_STATES.includes(payment.state) ? event.transactionId : null;
    this.record(payment, { ...change, data: { ...change.data, eventId, boxAt } }, { source: 'box', next, eventId, transactionId: learnt });
    return next === null && learnt === null ? 'recorded' : 'applied';
  }

  /**
   * Queues the history entry, tickets, state and live event of one change; returns the payment after
   * it. The live event takes the place of one queued earlier for the same payment: it carries the
   * payment as the batch leaves it and the newest entry (every entry is in the payment's history).
   */
  record(
    payment: Payment,
    change: PaymentChange,
    how: { source: 'box' | 'server'; next: PaymentState | null; eventId?: string; transactionId?: string | null },
  ): Payment {
    const at = this.#at;
    const toState = how.next ?? payment.state;
    this.#history.push({
      paymentUuid: payment.uuid,
      at,
      source: how.source,
      event: change.event,
      fromState: payment.state,
      toState,
      message: change.message,
      data: change.data,
      eventId: how.eventId ?? null,
    });
    if (how.next !== null) for (const ticket of change.tickets) this.#tickets.push({ paymentUuid: payment.uuid, ...ticket, at });
    const transactionId = how.transactionId ?? null;
    const moved = how.next !== null && how.next !== payment.state;
    const updated =
      !moved && transactionId === null ? payment : { ...payment, state: toState, updatedAt: at, transactionId: transactionId ?? payment.transactionId };
    if (updated !== payment) this.#states.set(payment.uuid, { uuid: payment.uuid, state: toState, transactionId: updated.transactionId, at });
    if (how.next !== null) this.#finishing.push({ payment, next: how.next });
    const entry = { at: iso(at), source: how.source, event: change.event, fromState: payment.state, toState, message: change.message };
    const live = {
      topic: 'payment' as const,
      audience: 'cashier' as const,
      data: { payment: paymentView(updated), entry },
      at,
      posId: this.#posIds.get(payment.uuid) ?? null,
    };
    const index = this.#liveOf.get(payment.uuid);
    if (index === undefined) this.#liveOf.set(payment.uuid, this.#live.push(live) - 1);
    else this.#live[index] = live;
    this.#payments.set(payment.uuid, updated);
    return updated;
  }

  /** Queues a live event about something else than a payment (a device, the box), in order with the rest. */
  announce<Topic extends LiveTopic>(topic: Topic, audience: Audience, data: LiveEventData<Topic>): void {
    // The parameters tie the data to its topic; the event built from them says so to the compiler.
    this.#live.push({ topic, audience, data, at: this.#at } as NewLiveEvent & { at: Date });
  }

  /**
   * Writes what was queued if the payments still have these row versions; returns the new version
   * of each payment whose state it wrote, or null when one had moved on (nothing is written).
   */
  async writeIfUnchanged(versions: ReadonlyMap<string, string>): Promise<ReadonlyMap<string, string> | null> {
    // Every payment the batch applied an event to has an entry in it; '0' is no row's version.
    const unchanged = new Map(this.#history.map((h) => [h.paymentUuid, versions.get(h.paymentUuid) ?? '0']));
    const written = await writeBatch(this.trx, this.ctx.prefix, {
      history: this.#history,
      tickets: this.#tickets,
      states: [...this.#states.values()],
      events: this.#live,
      unchanged,
    });
    if (written !== null) this.#noteFinished();
    return written?.versions ?? null;
  }

  /** Writes what was queued; returns the ids of unmatched events that were recorded before. */
  async write(): Promise<Set<string>> {
    const { trx } = this;
    const fresh = await recordUnmatchedEvents(trx, this.boxId, this.#at, this.#unmatched);
    const recordedBefore = new Set(this.#unmatched.map((u) => u.eventId).filter((id) => !fresh.has(id)));
    await writeBatch(trx, this.ctx.prefix, { history: this.#history, tickets: this.#tickets, states: [...this.#states.values()], events: this.#live });
    this.#noteFinished();
    return recordedBefore;
  }

  #noteFinished(): void {
    for (const { payment, next } of this.#finishing) noteFinished(this.ctx, payment, next, this.#at);
  }
}
