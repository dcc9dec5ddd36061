import { ContractError, parseBoxToServer, type BoxEvent } from '@kassa/contract';
import type { Journal } from './journal/journal.js';
import type { EventRecord } from './journal/records.js';
import type { Logger } from './logger.js';

export interface OutboxEntry {
  readonly id: string;
  /** The `event` message as it goes on the wire, validated against the contract once. */
  readonly text: string;
  readonly kind: BoxEvent['kind'];
  /** Position in sending order, across boots. */
  readonly order: number;
  /** False until the journal has it on disk, for the events that must not be sent before. */
  ready: boolean;
}

/**
 * Every event for the server, from the moment it exists until the server acknowledges it.
 * Ids are `<boot>:<n>`: the boot number is on disk before the first event of a boot, so an id is
 * never reused, even for an event sent but lost in a crash before it reached the journal.
 */
export class Outbox {
  private readonly entries = new Map<string, OutboxEntry>();
  private next = 0;
  private orderCounter = 0;
  private listener: (() => void) | undefined;

  constructor(
    private readonly journal: Journal,
    private readonly boot: number,
    pending: Iterable<EventRecord>,
    private readonly log: Logger,
  ) {
    for (const record of pending) {
      const text = JSON.stringify({ type: 'event', id: record.id, at: record.at, event: record.event });
      this.entries.set(record.id, { id: record.id, text, kind: record.event.kind, order: ++this.orderCounter, ready: true });
    }
  }

  /** Called whenever an entry becomes sendable. */
  onReady(listener: () => void): void {
    this.listener = listener;
  }

  /**
   * Journals an event and queues it. A `durable` event (a result, an unknown, a not-run) is only
   * handed to the uplink once on disk; the others go at once and are journaled on the next sync,
   * because losing them in a crash loses nothing that is not asked again.
   */
  emit(event: BoxEvent, durable: boolean): void {
    const id = `${this.boot}:${++this.next}`;
    const at = new Date().toISOString();
    const text = JSON.stringify({ type: 'event', id, at, event });
    try {
      parseBoxToServer(text);
    } catch (error) {
      // Only a bug in the box gets here; sending it would only earn an error from the server.
      const code = error instanceof ContractError ? error.code : 'UNKNOWN';
      this.log.error({ code, kind: event.kind, reason: (error as Error).message }, 'event does not match the contract; not sent');
      return;
    }
    const entry: OutboxEntry = { id, text, kind: event.kind, order: ++this.orderCounter, ready: !durable };
    this.entries.set(id, entry);
    const record: EventRecord = { k: 'event', id, at, event };
    if (!durable) {
      this.journal.write(record);
      this.listener?.();
      return;
    }
    this.journal.append(record).then(
      () => {
        entry.ready = true;
        this.listener?.();
      },
      (error: Error) => this.log.error({ id, reason: error.message }, 'event could not be journaled; it stays unsent'),
    );
  }

  /** Drops acknowledged entries; ids it does not hold (already acknowledged, unknown) are ignored. */
  ack(ids: readonly string[]): number {
    const known = ids.filter((id) => this.entries.delete(id));
    if (known.length > 0) this.journal.write({ k: 'ack', ids: known });
    return known.length;
  }

  /** Unacknowledged entries in sending order. */
  values(): IterableIterator<OutboxEntry> {
    return this.entries.values();
  }

  get size(): number {
    return this.entries.size;
  }
}
