import { ContractError, parseBoxToServer, type BoxEvent } from '@kassa/contract';
import type { Journal } from './journal/journal.js';
import type { EventRecord } from './journal/records.js';
import type { Logger } from './logger.js';

export interface OutboxEntry {
  readonly id: string;
  /** The `event` message as it goes on the wire, validated against the contract once. */
  readonly text: string;
  readonly kind: BoxEvent['kind'];
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
  /** Entries not yet handed to the current connection, in order; `head` is the next one. */
  private unsent: OutboxEntry[] = [];
  private head = 0;
  private next = 0;
  private listener: (() => void) | undefined;

  constructor(
    private readonly journal: Journal,
    private readonly boot: number,
    pending: Iterable<EventRecord>,
    private readonly log: Logger,
  ) {
    for (const record of pending) {
      const text = JSON.stringify({ type: 'event', id: record.id, at: record.at, event: record.event });
      this.entries.set(record.id, { id: record.id, text, kind: record.event.kind, ready: true });
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
    // One serialisation serves the wire message and the journal line (id and at need no escaping).
    const eventJson = JSON.stringify(event);
    const text = `{"type":"event","id":"${id}","at":"${at}","event":${eventJson}}`;
    try {
      parseBoxToServer(text);
    } catch (error) {
      // Only a bug in the box gets here; sending it would only earn an error from the server.
      const code = error instanceof ContractError ? error.code : 'UNKNOWN';
      this.log.error({ code, kind: event.kind, reason: (error as Error).message }, 'event does not match the contract; not sent');
      return;
    }
    const entry: OutboxEntry = { id, text, kind: event.kind, ready: !durable };
    this.entries.set(id, entry);
    this.unsent.push(entry);
    const line = `{"k":"event","id":"${id}","at":"${at}","event":${eventJson}}`;
    const synced = this.journal.appendLine(line, durable);
    if (!synced) {
      this.listener?.();
      return;
    }
    synced.then(
      () => {
        entry.ready = true;
        this.listener?.();
      },
      (error: Error) => this.log.error({ id, reason: (error as Error).message }, 'event could not be journaled; it stays unsent'),
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

  /** A new connection: every unacknowledged entry is to be sent again, from the first. */
  rewind(): void {
    this.unsent = [...this.entries.values()];
    this.head = 0;
  }

  /**
   * The next entry to send on this connection, skipping acknowledged ones; undefined at the end or
   * at an entry still waiting for the disk (order is kept: nothing overtakes it).
   */
  nextToSend(): OutboxEntry | undefined {
    while (this.head < this.unsent.length) {
      const entry = this.unsent[this.head]!;
      if (!this.entries.has(entry.id)) {
        this.head++;
        continue;
      }
      if (!entry.ready) return undefined;
      this.head++;
      this.compact();
      return entry;
    }
    return undefined;
  }

  private compact(): void {
    if (this.head < 1024 || this.head * 2 < this.unsent.length) return;
    this.unsent = this.unsent.slice(this.head);
    this.head = 0;
  }

  get size(): number {
    return this.entries.size;
  }
}
