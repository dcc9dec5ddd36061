import { fdatasync, open as openFd, openSync, write, writeFileSync, close as closeFd } from 'node:fs';
import { join } from 'node:path';
import { BoxError, BoxErrorCode } from '../errors.js';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../private-files.js';
import type { EventRecord, JournalRecord } from './records.js';
import { readJournalFile, replay } from './replay.js';
import { removeTemporary, writeSnapshot, writeSnapshotSync, type SnapshotStep, type TailSource } from './snapshot-file.js';
import { applyRecord, planSnapshot, pruneHistory, snapshot, snapshotRecords, type JournalState } from './state.js';

export const JOURNAL_FILE = 'journal.jsonl';
/**
 * A journal that grows past this while the box runs is compacted. Compaction writes the live
 * state without reading the file or stopping the box, so it can happen often and the file stays small.
 */
export const DEFAULT_COMPACT_AT_BYTES = 8 * 1024 * 1024;
/**
 * ... and only once it has grown past this many times its last snapshot: rewriting the snapshot
 * then costs at most a third of what was appended, however large the state (10,000 settled
 * transactions with their tickets make several MiB).
 */
const COMPACT_AT_SNAPSHOT_MULTIPLE = 4;
/**
 * A record whose loss in a crash is harmless (a stage, an ack, a device change) waits up to this
 * long for a durable one to carry it to the disk before it is synced by itself: a quiet box does
 * not pay an fdatasync per stage, and a result is not kept waiting behind a stage's sync.
 */
export const LAZY_SYNC_MS = 100;

export interface JournalOptions {
  readonly compactAtBytes?: number;
  /** Called after each step of a compaction while running (tests stop there to play a crash). */
  readonly onCompactionStep?: (step: SnapshotStep) => void;
}

export interface JournalStats {
  /** Records appended since the box started. */
  readonly records: number;
  /** Compactions while running (there is always one at start). */
  readonly compactions: number;
  /** How long the last compaction while running took from start to the new file in place, ms (the box goes on meanwhile). */
  readonly lastCompactionMs: number;
  /** The longest stretch the last compaction held the event loop, ms. */
  readonly lastCompactionPauseMs: number;
  /** How long the last compaction held records back: the tail written after the snapshot and the new file put in place, ms. */
  readonly lastCompactionHoldMs: number;
  /** Write + fdatasync rounds: one round carries every record queued meanwhile. */
  readonly syncs: number;
  readonly lastSyncMs: number;
}

/** What the box's writers (the transaction manager, the outbox) use of the journal. */
export type JournalWriter = Pick<Journal, 'append' | 'write' | 'appendEvent'>;

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** A compaction in flight: its snapshot is being written while the old file goes on taking records. */
interface Compaction {
  /** What the old file took since the snapshot's state was planned and the new file has not yet, in order: the new file gets it after the snapshot. */
  readonly tail: string[];
  /** Set once the snapshot is on disk: takes the tail as soon as no sync is in flight. */
  catchUp?: { readonly resolve: (tail: string) => void; readonly reject: (error: Error) => void };
  /** When it took the rest of the tail and began holding new records (performance.now()). */
  heldAt?: number;
}

/**
 * An append-only JSON-lines file. Every record is on disk (written and fdatasync'ed) before the
 * promise of `append` resolves. Records queued while a sync runs go together in the next one
 * (group commit), so a burst costs one sync, and the event loop never waits for the disk.
 *
 * The journal also keeps, in memory, the state its file adds up to (each record applied as it is
 * queued, with the reducer used at start), so compaction writes that state out instead of reading
 * the file back. Records go on to the old file, synced as usual, while the snapshot is written;
 * they are held back only while the new file catches up with them and takes the old one's place.
 */
export class Journal {
  private queue: string[] = [];
  private waiters: Waiter[] = [];
  /** A sync, or the catch-up and swap that end a compaction, is in flight: new records wait in the queue. */
  private busy = false;
  private compaction: Compaction | undefined;
  private failure: BoxError | undefined;
  private closed = false;
  private idle: (() => void) | undefined;
  private lazySync: NodeJS.Timeout | undefined;
  private recordCount = 0;
  private syncCount = 0;
  private lastSync = 0;

  private bytesWritten: number;
  private snapshotBytes: number;
  private compactions = 0;
  private lastCompaction = 0;
  private lastCompactionPause = 0;
  private lastCompactionHold = 0;

  private constructor(
    private fd: number,
    readonly path: string,
    private readonly dataDir: string,
    size: number,
    private readonly live: JournalState,
    private readonly options: JournalOptions,
  ) {
    this.bytesWritten = size;
    this.snapshotBytes = size;
  }

  /**
   * Reads the journal under `dataDir`, compacts it (acknowledged events and old history go), starts
   * a new boot and returns the state the records add up to, for the box to own. A torn last line
   * (a crash mid-write) is dropped; any other unreadable line is BOX_JOURNAL_CORRUPT. A temporary
   * file left by a crash during a compaction is not part of the journal and is removed.
   */
  static open(dataDir: string, options: JournalOptions = {}): { journal: Journal; state: JournalState; tornTail: boolean } {
    makePrivateDir(dataDir);
    const path = join(dataDir, JOURNAL_FILE);
    removeTemporary(path);
    const { state, tornTail, damagedTail } = readJournalFile(path);
    // Kept beside the journal for whoever wants to look; the box no longer needs it.
    if (damagedTail !== undefined) writeFileSync(`${path}.damaged-${Date.now()}`, damagedTail, { mode: PRIVATE_FILE_MODE });
    state.boot += 1;
    const records = snapshot(state);
    const size = writeSnapshotSync(dataDir, path, records);
    // The journal's own copy, built from the file just written: the box changes its state in place.
    const journal = new Journal(openSync(path, 'a'), path, dataDir, size, replay(records), options);
    return { journal, state, tornTail };
  }

  /** Queues a record; resolves once it is on disk. */
  append(record: JournalRecord): Promise<void> {
    return this.appendLine(record, JSON.stringify(record), true)!;
  }

  /** Queues a record whose loss in a crash is harmless; it reaches the disk with the next durable record, or within LAZY_SYNC_MS. */
  write(record: JournalRecord): void {
    void this.appendLine(record, JSON.stringify(record), false);
  }

  /**
   * `append` (durable) or `write` for an event the caller has already serialised (`line`: its JSON
   * without the newline), so a hot path does not stringify the same event twice.
   */
  appendEvent(record: EventRecord, line: string, durable: boolean): Promise<void> | undefined {
    return this.appendLine(record, line, durable);
  }

  get stats(): JournalStats {
    return {
      records: this.recordCount,
      syncs: this.syncCount,
      lastSyncMs: this.lastSync,
      compactions: this.compactions,
      lastCompactionMs: this.lastCompaction,
      lastCompactionPauseMs: this.lastCompactionPause,
      lastCompactionHoldMs: this.lastCompactionHold,
    };
  }

  get failed(): BoxError | undefined {
    return this.failure;
  }

  /** Waits for queued records (and a compaction in flight), then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.busy || this.queue.length > 0 || this.compaction !== undefined) {
      const idle = new Promise<void>((resolve) => (this.idle = resolve));
      this.flush();
      await idle;
    }
    this.closed = true;
    await new Promise<void>((resolve) => closeFd(this.fd, () => resolve()));
  }

  private appendLine(record: JournalRecord, line: string, durable: boolean): Promise<void> | undefined {
    if (this.failure || this.closed) {
      const error = this.failure ?? new BoxError(BoxErrorCode.JournalClosed, 'the journal is closed');
      return durable ? Promise.reject(error) : undefined;
    }
    applyRecord(this.live, record);
    this.queue.push(line + '\n');
    this.recordCount++;
    if (!durable) {
      this.flushSoon();
      return undefined;
    }
    const synced = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.flush();
    return synced;
  }

  /** Syncs what is queued within LAZY_SYNC_MS, unless a durable record (or `close`) does it first. */
  private flushSoon(): void {
    if (this.busy || this.lazySync) return;
    this.lazySync = setTimeout(() => this.flush(), LAZY_SYNC_MS);
    this.lazySync.unref();
  }

  private flush(): void {
    clearTimeout(this.lazySync);
    this.lazySync = undefined;
    if (this.busy || this.failure || this.queue.length === 0) return;
    // Planned now, the snapshot holds every record queued so far: those of this sync are not its tail.
    const tail = this.compaction?.tail;
    if (
      tail === undefined &&
      this.bytesWritten > Math.max(this.options.compactAtBytes ?? DEFAULT_COMPACT_AT_BYTES, COMPACT_AT_SNAPSHOT_MULTIPLE * this.snapshotBytes)
    )
      this.compact();
    this.busy = true;
    const text = this.queue.join('');
    const waiters = this.waiters;
    this.queue = [];
    this.waiters = [];
    tail?.push(text);
    const started = performance.now();
    const done = (error: NodeJS.ErrnoException | null): void => {
      this.busy = false;
      this.syncCount++;
      this.lastSync = performance.now() - started;
      if (error) return this.fail(error, waiters);
      for (const w of waiters) w.resolve();
      this.next();
    };
    const buffer = Buffer.from(text);
    this.bytesWritten += buffer.length;
    writeAll(this.fd, buffer, 0, (error) => (error ? done(error) : fdatasync(this.fd, done)));
  }

  /**
   * Hands a compaction waiting for it the tail (and holds new records until its file is in place),
   * or goes on with what queued meanwhile (at once when someone waits for it), or tells `close`
   * that all is written.
   */
  private next(): void {
    if (this.busy || this.failure) return;
    const catchUp = this.compaction?.catchUp;
    if (this.compaction !== undefined && catchUp !== undefined) {
      this.busy = true;
      this.compaction.catchUp = undefined;
      this.compaction.heldAt = performance.now();
      catchUp.resolve(this.compaction.tail.splice(0).join(''));
    } else if (this.queue.length > 0) {
      if (this.waiters.length > 0 || this.idle) this.flush();
      else this.flushSoon();
    } else if (this.compaction === undefined) this.idle?.();
  }

  /**
   * Writes a snapshot of the live state to a new file while the old one goes on taking records
   * (each sync also keeps its text as the tail). Once the snapshot is on disk, the tail so far is
   * written after it; then, the next moment no sync is in flight, new records are held, the rest of
   * the tail is written, and the new file takes the old one's place; then the held records go to it.
   */
  private compact(): void {
    const started = performance.now();
    const compaction: Compaction = { tail: [] };
    this.compaction = compaction;
    const plan = planSnapshot(this.live);
    pruneHistory(this.live);
    const snapshotPause = performance.now() - started;
    const tail: TailSource = {
      sofar: () => compaction.tail.splice(0).join(''),
      rest: () =>
        new Promise<string>((resolve, reject) => {
          if (this.failure) return reject(this.failure);
          compaction.catchUp = { resolve, reject };
          this.next();
        }),
    };
    writeSnapshot(this.dataDir, this.path, snapshotRecords(plan), tail, this.options.onCompactionStep)
      .then(({ bytes, longestSliceMs }) =>
        this.reopen().then(() => {
          this.bytesWritten = bytes;
          this.snapshotBytes = bytes;
          this.compactions++;
          this.lastCompaction = performance.now() - started;
          this.lastCompactionPause = Math.max(snapshotPause, longestSliceMs);
          this.lastCompactionHold = performance.now() - (compaction.heldAt ?? started);
        }),
      )
      .then(
        () => {
          this.compaction = undefined;
          this.busy = false;
          this.next();
        },
        (error: NodeJS.ErrnoException) => {
          // Before its hold, `busy` belongs to a sync in flight on the old file.
          if (compaction.heldAt !== undefined) this.busy = false;
          this.compaction = undefined;
          this.fail(error, []);
        },
      );
  }

  /**
   * The old file was renamed over: appends go to the new one. Closing the old one frees its blocks
   * (about 10 ms for a file of several MiB here), which held records need not wait for.
   */
  private async reopen(): Promise<void> {
    const fd = await new Promise<number>((resolve, reject) => openFd(this.path, 'a', (error, opened) => (error ? reject(error) : resolve(opened))));
    const old = this.fd;
    this.fd = fd;
    closeFd(old, () => undefined);
  }

  private fail(error: NodeJS.ErrnoException, waiters: readonly Waiter[]): void {
    clearTimeout(this.lazySync);
    this.failure ??= new BoxError(BoxErrorCode.JournalWriteFailed, `journal ${this.path}: ${error.message}`);
    this.compaction?.catchUp?.reject(this.failure);
    for (const w of [...waiters, ...this.waiters]) w.reject(this.failure);
    this.waiters = [];
    this.queue = [];
    this.idle?.();
  }
}

function writeAll(fd: number, buffer: Buffer, offset: number, callback: (error: NodeJS.ErrnoException | null) => void): void {
  write(fd, buffer, offset, buffer.length - offset, null, (error, written) => {
    if (error) return callback(error);
    if (offset + written < buffer.length) return writeAll(fd, buffer, offset + written, callback);
    callback(null);
  });
}
