import type { BoxEvent, BoxEventMessage, ServerAck } from '@kassa/contract';
import { isTerminalBoxEvent } from '@kassa/contract';
import type { Payment } from '../repos/payments.js';
import type { BoxEventOutcome } from '../services/box-events/outcome.js';
import { applyBoxEvent, applyBoxEvents } from '../services/box-events/apply.js';
import type { ServiceContext } from '../services/context.js';
import { onOneConnection } from '../services/context.js';
import { KnownPayments } from '../services/known-payments.js';
import { AckWindow } from './ack-window.js';
import { EventPump } from './event-pump.js';
import type { UplinkLogger } from './logger.js';

/**
 * Workers for payment events; terminal events (device reports, conflicts) have one of their own.
 * Each keeps a pool connection while it has events, so together they must leave most of the pool
 * to payment requests: with four, a busy box held four of ten and requests queued for the rest. Two
 * keep up at 300 payments a second, and each write carries more events when they come fast.
 */
const PAYMENT_WORKERS = 2;
const TERMINAL_WORKERS = 1;
const MAX_EVENT_BATCH = 200;

export interface EventInboxOptions {
  readonly boxId: string;
  readonly ctx: ServiceContext;
  readonly log: UplinkLogger;
  /** Writes one acknowledgement on the link (those of batches applied side by side go together). */
  readonly ack: (message: ServerAck) => void;
  /** An event could not be stored: it is not acknowledged, and the link must end. */
  readonly notStored: (eventId: string) => void;
  /** A batch could not even be started (no database session): the link must end. */
  readonly failed: (error: unknown) => void;
  /** How long the acknowledgements of batches applied side by side wait for each other (ACK_WINDOW_MS). */
  readonly ackWindowMs?: number;
}

/**
 * The box-to-server direction of a link: events are applied in arrival order per payment (or
 * terminal), side by side across them, in batches, and acknowledged once stored. Events taken
 * before the link closed are still applied: a replay would only repeat them.
 *
 * Terminal events go to workers of their own: they always take the locking way (see
 * applyBoxEvents), and each terminal reports every 15 to 30 s, so among the payment events they
 * would hold a payment worker for a transaction of several round trips a few times a second.
 */
export class EventInbox {
  /** The running payments this link wrote last: their next events are written without reading them. */
  readonly #known = new KnownPayments();
  readonly #payments: EventPump<ServiceContext>;
  readonly #terminals: EventPump<ServiceContext>;
  readonly #options: EventInboxOptions;
  readonly #acks: AckWindow;

  constructor(options: EventInboxOptions) {
    this.#options = options;
    this.#acks = new AckWindow(options.ack, options.ackWindowMs);
    const pump = (workers: number): EventPump<ServiceContext> =>
      new EventPump<ServiceContext>({
        workers,
        maxBatch: MAX_EVENT_BATCH,
        // On PostgreSQL a worker keeps one pool connection while it has events to apply, so box
        // events never queue behind HTTP requests for a connection; PGlite has one to share.
        session: (work) => onOneConnection(options.ctx, work),
        apply: (batch, ctx) => this.#apply(batch, ctx),
        failed: options.failed,
      });
    this.#payments = pump(PAYMENT_WORKERS);
    this.#terminals = pump(TERMINAL_WORKERS);
  }

  push(message: BoxEventMessage): void {
    (isTerminalBoxEvent(message.event) ? this.#terminals : this.#payments).push(laneOf(message.event), message);
  }

  /** A payment as this process just wrote it (a start command's payment): its first events need no read. */
  remember(payment: Payment, version: string, posId: number): void {
    this.#known.remember(payment, version, posId);
  }

  /** Resolves when every event taken has been applied (or given up) and acknowledged. */
  async settled(): Promise<void> {
    await Promise.all([this.#payments.settled(), this.#terminals.settled()]);
    this.#acks.flush();
  }

  async #apply(batch: BoxEventMessage[], ctx: ServiceContext): Promise<void> {
    const { boxId, log } = this.#options;
    const outcomes = await this.#applyBatch(batch, ctx);
    outcomes.forEach((outcome, i) => {
      if (outcome === 'unmatched') log.warn({ boxId, eventId: batch[i]?.id, kind: batch[i]?.event.kind }, 'box event names no payment of this box');
    });
    this.#acks.add(batch.slice(0, outcomes.length).map((m) => m.id));
    // With nothing else being applied, no other batch's acknowledgement is coming to share a
    // message: this one goes now, so that at a quiet till the box never takes it while it starts the
    // next payment.
    if (this.#payments.running + this.#terminals.running === 1 && this.#payments.queued + this.#terminals.queued === 0) this.#acks.flush();
  }

  /** The outcomes of the batch's first events, in order: all of them, or those before the one that could not be stored. */
  async #applyBatch(batch: readonly BoxEventMessage[], ctx: ServiceContext): Promise<BoxEventOutcome[]> {
    const { boxId, log } = this.#options;
    try {
      return await applyBoxEvents(ctx, boxId, batch, this.#known);
    } catch (error) {
      // One event may be at fault: take them one by one so the others still get through.
      log.warn({ boxId, events: batch.length, err: error }, 'box event batch failed, applying one by one');
      this.#known.clear();
    }
    const outcomes: BoxEventOutcome[] = [];
    for (const message of batch) {
      try {
        outcomes.push(await applyBoxEvent(ctx, boxId, message));
      } catch (single) {
        // Not acknowledged: the box keeps it and sends it again once the link is back.
        log.error({ boxId, eventId: message.id, err: single }, 'box event not stored');
        this.#options.notStored(message.id);
        break;
      }
    }
    return outcomes;
  }
}

/** Events of one lane are applied in order: a terminal's events together, each payment's together. */
function laneOf(event: BoxEvent): string {
  if (event.kind === 'device') return `device:${event.device.terminalId}`;
  if (event.kind === 'terminalConflict') return `device:${event.terminalId}`;
  return `payment:${event.paymentUuid}`;
}
