import type { FastifyBaseLogger } from 'fastify';
import type { LiveEvent } from '../repos/events.js';
import { EVENTS_CHANNEL, getEvent, pruneEvents } from '../repos/events.js';
import type { ServiceContext } from '../services/context.js';
import { parseAnnouncement } from './announcement.js';

export type EventListener = (event: LiveEvent) => void;

export interface HubOptions {
  /** How long events stay in the database for replay after a reconnect. */
  readonly retentionMs: number;
  /** How often this process deletes events older than the retention. */
  readonly pruneEveryMs: number;
}

export const DEFAULT_HUB_OPTIONS: HubOptions = { retentionMs: 24 * 60 * 60 * 1000, pruneEveryMs: 10 * 60 * 1000 };

/**
 * Fans the events of every server process out to this process's event streams. Events arrive only
 * through the database's LISTEN/NOTIFY bus (also those written here), so every process sees the
 * same sequence and no event is delivered twice by one process.
 */
export class LiveEventHub {
  readonly #ctx: ServiceContext;
  readonly #log: FastifyBaseLogger;
  readonly #options: HubOptions;
  readonly #listeners = new Set<EventListener>();
  readonly #closers = new Set<() => void>();
  #pruneTimer: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(ctx: ServiceContext, log: FastifyBaseLogger, options: HubOptions = DEFAULT_HUB_OPTIONS) {
    this.#ctx = ctx;
    this.#log = log;
    this.#options = options;
  }

  async start(): Promise<void> {
    await this.#ctx.database.bus.listen(EVENTS_CHANNEL, (payload) => void this.#receive(payload));
    this.#pruneTimer = setInterval(() => void this.#prune(), this.#options.pruneEveryMs);
    this.#pruneTimer.unref();
    await this.#prune();
  }

  /** Listens to every event; returns the function that stops listening. */
  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Registers how to end a long-lived stream when the server shuts down. */
  track(close: () => void): () => void {
    this.#closers.add(close);
    return () => this.#closers.delete(close);
  }

  get streamCount(): number {
    return this.#closers.size;
  }

  stop(): void {
    this.#stopped = true;
    if (this.#pruneTimer !== null) clearInterval(this.#pruneTimer);
    for (const close of [...this.#closers]) close();
    this.#closers.clear();
    this.#listeners.clear();
  }

  async #receive(payload: string): Promise<void> {
    if (this.#stopped) return;
    const announced = parseAnnouncement(payload);
    if (announced === null) {
      this.#log.warn({ payload: payload.slice(0, 200) }, 'ignored a malformed event announcement');
      return;
    }
    const event = announced.kind === 'full' ? announced.event : await getEvent(this.#ctx.db, announced.id).catch(() => null);
    if (event === null) return;
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.#log.error({ err: error }, 'event listener failed');
      }
    }
  }

  async #prune(): Promise<void> {
    try {
      await pruneEvents(this.#ctx.db, new Date(this.#ctx.now().getTime() - this.#options.retentionMs));
    } catch (error) {
      if (!this.#stopped) this.#log.warn({ err: error }, 'could not prune old events');
    }
  }
}
