import type { FastifyBaseLogger } from 'fastify';
import type { LiveEvent } from '../repos/events.js';
import { EVENTS_CHANNEL, getStoredEvent, pruneEvents } from '../repos/events.js';
import type { ServiceContext } from '../services/context.js';
import { parseAnnouncement } from './announcement.js';
import { formatEvent } from './format.js';
import type { ScopeKey } from './scope.js';
import { eventKeys } from './scope.js';

/**
 * Announces, with the user who opened it, a session opened, closed or reopened (migration 0013's
 * trigger); `{all: true}` when a POS's payment methods or a method's terminal changed (0017).
 */
export const TILLS_CHANNEL = 'tills';

/** A stream as the hub sees it: where its events go, and how it learns its cashier's tills changed. */
export interface Subscriber {
  /** `frame` is the event as Server-Sent Event text, made once for every stream. */
  deliver(event: LiveEvent, frame: string): void;
  /** Reads again what the stream follows; awaited before the next event is delivered. */
  refresh(): Promise<void>;
}

export interface Subscription {
  /** Moves the subscriber to other keys (what it follows changed). */
  rekey(keys: readonly ScopeKey[]): void;
  close(): void;
}

export interface HubOptions {
  /** How many of the latest events this process keeps for streams that resume (Last-Event-ID). */
  readonly keep: number;
  /** How long an event too large for NOTIFY stays stored for the listeners to read it back. */
  readonly retentionMs: number;
  /** How often this process deletes stored events older than the retention. */
  readonly pruneEveryMs: number;
}

export const DEFAULT_HUB_OPTIONS: HubOptions = { keep: 10_000, retentionMs: 24 * 60 * 60 * 1000, pruneEveryMs: 10 * 60 * 1000 };

/** An event as the hub keeps it, with its Server-Sent Event text. */
export interface KeptEvent {
  readonly event: LiveEvent;
  readonly frame: string;
}

/** What a stream that resumes after an id gets: the events it missed, or a reset (it reads the state again). */
export type Resumption = { readonly kind: 'events'; readonly events: readonly KeptEvent[] } | { readonly kind: 'reset'; readonly reason: string };

/**
 * Fans the events of every server process out to this process's event streams. Events arrive only
 * through the database's LISTEN/NOTIFY bus (also those written here), in commit order, and are
 * handled one after another in that order, so every process sees the same sequence and no event is
 * delivered twice by one process. Each event gets its id here, the next of this process, so ids
 * follow commit order and a stream resuming after one misses nothing; the latest events are kept
 * for that. Ids start at the process's start time in milliseconds times a thousand: a process
 * would need more than a thousand events a millisecond to reach ids of one started after it, so an
 * id another process (or this one before a restart) gave is never taken for one of ours.
 * Streams are indexed by the keys of what they follow: an event is formatted once and reaches its
 * streams by a map lookup per key (see scope.ts).
 */
export class LiveEventHub {
  readonly #ctx: ServiceContext;
  readonly #log: FastifyBaseLogger;
  readonly #options: HubOptions;
  readonly #byKey = new Map<ScopeKey, Set<Subscriber>>();
  readonly #byUser = new Map<number, Set<Subscriber>>();
  readonly #closers = new Set<() => void>();
  /** The latest events, oldest first, at most `keep` (trimmed in steps, so that each event costs O(1)). */
  #recent: KeptEvent[] = [];
  /** The id before this process's first: ids at or below it were given before it started. */
  readonly #startId: number;
  #lastId: number;
  #queue: Promise<void> = Promise.resolve();
  #pruneTimer: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(ctx: ServiceContext, log: FastifyBaseLogger, options: HubOptions = DEFAULT_HUB_OPTIONS) {
    this.#ctx = ctx;
    this.#log = log;
    this.#options = options;
    this.#startId = Date.now() * 1000;
    this.#lastId = this.#startId;
  }

  /** The id of the latest event this process handled (its first id minus one before any). */
  get latestId(): number {
    return this.#lastId;
  }

  /**
   * The events after `afterId` that `accepts` takes, oldest first, when this process can tell them
   * all and they are at most `limit`; a reset otherwise. Synchronous: a stream that subscribes and
   * resumes in the same turn misses no event in between and gets none twice.
   */
  resume(afterId: number, accepts: (event: LiveEvent) => boolean, limit: number): Resumption {
    if (afterId > this.#lastId) return { kind: 'reset', reason: 'the id is not one this server process gave' };
    if (afterId < this.#startId) return { kind: 'reset', reason: 'the id is from before this server process started' };
    const oldest = this.#recent[0]?.event.id ?? this.#lastId + 1;
    if (afterId < oldest - 1) return { kind: 'reset', reason: 'events older than this server process keeps were missed' };
    const events: KeptEvent[] = [];
    for (let i = this.#recent.length - (this.#lastId - afterId); i < this.#recent.length; i++) {
      const kept = this.#recent[i];
      if (kept === undefined || !accepts(kept.event)) continue;
      if (events.push(kept) > limit) return { kind: 'reset', reason: 'too many missed events' };
    }
    return { kind: 'events', events };
  }

  async start(): Promise<void> {
    await this.#ctx.database.bus.listen(EVENTS_CHANNEL, (payload) => this.#enqueue(() => this.#receive(payload)));
    await this.#ctx.database.bus.listen(TILLS_CHANNEL, (payload) => this.#enqueue(() => this.#tillsChanged(payload)));
    this.#pruneTimer = setInterval(() => void this.#prune(), this.#options.pruneEveryMs);
    this.#pruneTimer.unref();
    await this.#prune();
  }

  /**
   * Delivers the events of `keys` to `subscriber` until closed; `userId` names whose session
   * changes make it refresh (null: none do).
   */
  subscribe(keys: readonly ScopeKey[], subscriber: Subscriber, userId: number | null): Subscription {
    let current: readonly ScopeKey[] = [];
    const place = (next: readonly ScopeKey[]): void => {
      for (const key of current) this.#unindex(key, subscriber);
      for (const key of next) {
        const set = this.#byKey.get(key) ?? new Set<Subscriber>();
        this.#byKey.set(key, set);
        set.add(subscriber);
      }
      current = next;
    };
    place(keys);
    if (userId !== null) {
      const set = this.#byUser.get(userId) ?? new Set<Subscriber>();
      this.#byUser.set(userId, set);
      set.add(subscriber);
    }
    return {
      rekey: (next) => place(next),
      close: () => {
        place([]);
        if (userId === null) return;
        const set = this.#byUser.get(userId);
        set?.delete(subscriber);
        if (set?.size === 0) this.#byUser.delete(userId);
      },
    };
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
    this.#byKey.clear();
    this.#byUser.clear();
  }

  #unindex(key: ScopeKey, subscriber: Subscriber): void {
    const set = this.#byKey.get(key);
    set?.delete(subscriber);
    if (set?.size === 0) this.#byKey.delete(key);
  }

  /** Announcements are handled in the order they arrive, one read-back or refresh at a time. */
  #enqueue(handle: () => Promise<void>): void {
    this.#queue = this.#queue.then(handle).catch((error: unknown) => this.#log.error({ err: error }, 'live event handling failed'));
  }

  async #receive(payload: string): Promise<void> {
    if (this.#stopped) return;
    const announced = parseAnnouncement(payload);
    if (announced === null) {
      this.#log.warn({ payload: payload.slice(0, 200) }, 'ignored a malformed event announcement');
      return;
    }
    const found = announced.kind === 'full' ? announced.event : await getStoredEvent(this.#ctx.db, announced.id).catch(() => null);
    if (found === null) {
      this.#log.warn({ id: announced.kind === 'stored' ? announced.id : null }, 'a stored live event could not be read back');
      return;
    }
    const event: LiveEvent = { ...found, id: ++this.#lastId };
    const frame = formatEvent(event);
    this.#keep({ event, frame });
    for (const key of eventKeys(event)) {
      const set = this.#byKey.get(key);
      if (set === undefined) continue;
      for (const subscriber of [...set]) {
        try {
          subscriber.deliver(event, frame);
        } catch (error) {
          this.#log.error({ err: error }, 'event listener failed');
        }
      }
    }
  }

  #keep(kept: KeptEvent): void {
    this.#recent.push(kept);
    const keep = this.#options.keep;
    if (this.#recent.length >= 2 * keep) this.#recent = this.#recent.slice(-keep);
  }

  async #tillsChanged(payload: string): Promise<void> {
    if (this.#stopped) return;
    let announced: { userId?: unknown; all?: unknown } = {};
    try {
      announced = JSON.parse(payload) as { userId?: unknown; all?: unknown };
    } catch {
      announced = {};
    }
    let subscribers: Set<Subscriber> | undefined;
    if (announced.all === true) {
      // A POS's payment methods or a method's terminal changed: every stream reads again what it follows.
      subscribers = new Set([...this.#byKey.values()].flatMap((set) => [...set]));
    } else if (typeof announced.userId === 'number') {
      subscribers = this.#byUser.get(announced.userId);
    } else {
      this.#log.warn({ payload: payload.slice(0, 200) }, 'ignored a malformed till announcement');
      return;
    }
    if (subscribers === undefined) return;
    await Promise.all(
      [...subscribers].map((subscriber) =>
        subscriber.refresh().catch((error: unknown) => this.#log.warn({ err: error }, 'could not refresh what a stream follows')),
      ),
    );
  }

  async #prune(): Promise<void> {
    try {
      await pruneEvents(this.#ctx.db, new Date(this.#ctx.now().getTime() - this.#options.retentionMs));
    } catch (error) {
      if (!this.#stopped) this.#log.warn({ err: error }, 'could not prune old events');
    }
  }
}
