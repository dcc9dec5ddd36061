import { checkBoxEvent, ContractError, type BoxEvent } from '@kassa/contract';
import type { JournalWriter } from './journal/journal.js';
import type { BoxLatency } from './latency.js';
import type { EventRecord } from './journal/records.js';
import type { Logger } from './logger.js';

/** Beyond this many unacknowledged events (a server away for weeks), the oldest progress events are dropped. */
export const MAX_PENDING_EVENTS = 100_000;

/** Events whose loss only costs detail: the server learns the outcome from the others. */
const DROPPABLE: ReadonlySet<BoxEvent['kind']> = new Set(['transactionStage', 'transactionMessage', 'device', 'terminalConflict']);

export interface OutboxEntry {
  readonly id: string;
  /** The `event` message as it goes on the wire, validated against the contract once. */
  readonly text: string;
  readonly kind: BoxEvent['kind'];
  /** Events of one lane (one terminal) are never reordered; different lanes may overtake each other. */
  readonly lane: string;
  /** False until the journal has it on disk, for the events that must not be sent before. */
  ready: boolean;
  /** Handed to the current connection. */
  sent: boolean;
  /** Journaled before it may leave. */
  readonly durable: boolean;
  /** performance.now() of the terminal frame that caused it, while its latency is still to be recorded. */
  frameAt: number | undefined;
}

/**
 * Every event for the server, from the moment it exists until the server acknowledges it.
 * Ids are `<boot>:<n>`: the boot number is on disk before the first event of a boot, so an id is
 * never reused, even for an event sent but lost in a crash before it reached the journal.
 */
export class Outbox {
  private readonly entries = new Map<string, OutboxEntry>();
  /** Entries in id order since the last rewind; before `head` all are sent or acknowledged. */
  private unsent: OutboxEntry[] = [];
  private head = 0;
  /** Entries before `scan` were looked at since the last full rescan. */
  private scan = 0;
  /** Lanes with an entry still waiting for the disk, found before `scan`. */
  private readonly blocked = new Set<string>();
  private rescan = false;
  private notifyQueued = false;
  private dropAbove: number;
  private next = 0;
  private listener: (() => void) | undefined;
  private readonly maxPending: number;
  /** Where the frame being handled began, for the entries it causes. */
  private readonly latency: BoxLatency | undefined;

  constructor(
    private readonly journal: JournalWriter,
    private readonly boot: number,
    pending: Iterable<EventRecord>,
    private readonly log: Logger,
    options: { readonly maxPending?: number; readonly latency?: BoxLatency } = {},
  ) {
    this.maxPending = options.maxPending ?? MAX_PENDING_EVENTS;
    this.latency = options.latency;
    this.dropAbove = this.maxPending;
    for (const record of pending) {
      const text = JSON.stringify({ type: 'event', id: record.id, at: record.at, event: record.event });
      this.entries.set(record.id, {
        id: record.id,
        text,
        kind: record.event.kind,
        lane: laneOf(record.event),
        ready: true,
        sent: false,
        durable: false,
        frameAt: undefined,
      });
    }
  }

  /** Called whenever an entry becomes sendable. */
  onReady(listener: () => void): void {
    this.listener = listener;
  }

  /**
   * Journals an event and queues it to go at once; it reaches the disk with the next sync, because
   * losing it in a crash loses nothing that is not asked again (a stage, a message, a repeated answer).
   */
  emit(event: BoxEvent): void {
    this.queue(event, false);
  }

  /**
   * Journals an event and queues it to go only once it is on disk: one the server must never see
   * and then lose (a result, a not-run, an unknown, an answer for another transaction kept as evidence).
   */
  emitDurable(event: BoxEvent): void {
    this.queue(event, true);
  }

  private queue(event: BoxEvent, durable: boolean): void {
    try {
      // The envelope is the box's own making; the event carries what the terminal said.
      checkBoxEvent(event);
    } catch (error) {
      // Only a bug in the box gets here; sending it would only earn an error from the server.
      const code = error instanceof ContractError ? error.code : 'UNKNOWN';
      this.log.error({ code, kind: event.kind, reason: (error as Error).message }, 'event does not match the contract; not sent');
      return;
    }
    const id = `${this.boot}:${++this.next}`;
    const at = new Date().toISOString();
    // One serialisation serves the wire message and the journal line (id and at need no escaping).
    const eventJson = JSON.stringify(event);
    const text = `{"type":"event","id":"${id}","at":"${at}","event":${eventJson}}`;
    const entry: OutboxEntry = { id, text, kind: event.kind, lane: laneOf(event), ready: !durable, sent: false, durable, frameAt: this.latency?.frameAt };
    this.entries.set(id, entry);
    this.unsent.push(entry);
    if (this.entries.size > this.dropAbove) this.dropOldestDetail();
    const line = `{"k":"event","id":"${id}","at":"${at}","event":${eventJson}}`;
    const synced = this.journal.appendEvent({ k: 'event', id, at, event }, line, durable);
    if (!synced) {
      this.listener?.();
      return;
    }
    synced.then(
      () => {
        entry.ready = true;
        this.rescan = true;
        // A sync makes many entries ready at once: one pass sends them all.
        if (this.notifyQueued) return;
        this.notifyQueued = true;
        queueMicrotask(() => {
          this.notifyQueued = false;
          this.listener?.();
        });
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
    for (const entry of this.unsent) entry.sent = false;
    this.head = 0;
    this.scan = 0;
    this.blocked.clear();
    this.rescan = false;
  }

  /**
   * Hands every sendable entry to `send` (which returns false when it cannot take more), in id
   * order within each lane. An entry waiting for the
   * disk holds back the later entries of its lane only, so one terminal's result being synced
   * does not delay another terminal's stage.
   */
  drain(send: (entry: OutboxEntry) => boolean): void {
    if (this.rescan) {
      this.rescan = false;
      this.blocked.clear();
      this.scan = this.head;
    }
    for (; this.scan < this.unsent.length; this.scan++) {
      const entry = this.unsent[this.scan]!;
      if (entry.sent || !this.entries.has(entry.id)) continue;
      if (!entry.ready) {
        this.blocked.add(entry.lane);
        continue;
      }
      if (this.blocked.has(entry.lane)) continue;
      // The link is full: stop here, the next pass starts with this entry.
      if (!send(entry)) break;
      entry.sent = true;
    }
    while (this.head < this.unsent.length) {
      const entry = this.unsent[this.head]!;
      if (!entry.sent && this.entries.has(entry.id)) break;
      this.head++;
    }
    this.compact();
  }

  /** Keeps memory and journal bounded while no server acknowledges; results and their kin are never dropped. */
  private dropOldestDetail(): void {
    const dropped: string[] = [];
    for (const entry of this.entries.values()) {
      if (this.entries.size - dropped.length <= this.maxPending * 0.9) break;
      if (DROPPABLE.has(entry.kind)) dropped.push(entry.id);
    }
    for (const id of dropped) this.entries.delete(id);
    // With nothing left to drop, look again only after another tenth has piled up.
    this.dropAbove = Math.max(this.maxPending, Math.ceil(this.entries.size * 1.1));
    if (dropped.length === 0) return;
    this.journal.write({ k: 'ack', ids: dropped });
    this.log.warn({ dropped: dropped.length, pending: this.entries.size }, 'too many events wait for the server; the oldest progress events were dropped');
  }

  private compact(): void {
    if (this.head < 1024 || this.head * 2 < this.unsent.length) return;
    this.unsent = this.unsent.slice(this.head);
    this.scan -= this.head;
    this.head = 0;
  }

  get size(): number {
    return this.entries.size;
  }
}

function laneOf(event: BoxEvent): string {
  return event.kind === 'device' ? event.device.terminalId : event.terminalId;
}
