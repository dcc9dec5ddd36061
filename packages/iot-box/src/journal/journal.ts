import { closeSync, fdatasync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, write, writeFileSync, writeSync, close as closeFd } from 'node:fs';
import { join } from 'node:path';
import { BoxError, BoxErrorCode } from '../errors.js';
import { toRecord, type JournalRecord } from './records.js';
import { applyRecord, emptyState, snapshot, type JournalState } from './state.js';

export const JOURNAL_FILE = 'journal.jsonl';
/** A journal that grows past this while the box runs is compacted between two syncs. */
export const DEFAULT_COMPACT_AT_BYTES = 32 * 1024 * 1024;

export interface JournalStats {
  /** Records appended since the box started. */
  readonly records: number;
  /** Compactions while running (there is always one at start). */
  readonly compactions: number;
  /** How long the last compaction while running held the box, ms. */
  readonly lastCompactionMs: number;
  /** Write + fdatasync rounds: one round carries every record queued meanwhile. */
  readonly syncs: number;
  readonly lastSyncMs: number;
}

/**
 * An append-only JSON-lines file. Every record is on disk (written and fdatasync'ed) before the
 * promise of `append` resolves. Records queued while a sync runs go together in the next one
 * (group commit), so a burst costs one sync, and the event loop never waits for the disk.
 */
export class Journal {
  private queue: string[] = [];
  private waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private syncing = false;
  private failure: BoxError | undefined;
  private closed = false;
  private idle: (() => void) | undefined;
  private recordCount = 0;
  private syncCount = 0;
  private lastSync = 0;

  private bytesWritten: number;
  private compactions = 0;
  private lastCompaction = 0;

  private constructor(
    private fd: number,
    readonly path: string,
    private readonly dataDir: string,
    size: number,
    private readonly compactAtBytes: number,
  ) {
    this.bytesWritten = size;
  }

  /**
   * Reads the journal under `dataDir`, compacts it (acknowledged events and old history go), starts
   * a new boot and returns the state the records add up to. A torn last line (a crash mid-write)
   * is dropped; any other unreadable line is BOX_JOURNAL_CORRUPT.
   */
  static open(dataDir: string, options: { compactAtBytes?: number } = {}): { journal: Journal; state: JournalState; tornTail: boolean } {
    mkdirSync(dataDir, { recursive: true });
    const path = join(dataDir, JOURNAL_FILE);
    const { state, tornTail, damagedTail } = readState(path);
    // Kept beside the journal for whoever wants to look; the box no longer needs it.
    if (damagedTail !== undefined) writeFileSync(`${path}.damaged-${Date.now()}`, damagedTail);
    state.boot += 1;
    const size = rewrite(dataDir, path, state);
    const journal = new Journal(openSync(path, 'a'), path, dataDir, size, options.compactAtBytes ?? DEFAULT_COMPACT_AT_BYTES);
    return { journal, state, tornTail };
  }

  /** Queues a record; resolves once it is on disk. */
  append(record: JournalRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.enqueue(record, reject)) return;
      this.waiters.push({ resolve, reject });
      this.flush();
    });
  }

  /** Queues a record whose loss in a crash is harmless; it reaches the disk with the next sync. */
  write(record: JournalRecord): void {
    if (!this.enqueue(record, () => undefined)) return;
    this.flush();
  }

  /**
   * `append` for a record the caller has already serialised (one JSON line without its newline),
   * so a hot path does not stringify the same event twice. The caller vouches that `line` is the
   * JSON of a JournalRecord.
   */
  appendLine(line: string, durable: boolean): Promise<void> | undefined {
    if (!durable) {
      if (this.enqueueLine(line, () => undefined)) this.flush();
      return undefined;
    }
    return new Promise((resolve, reject) => {
      if (!this.enqueueLine(line, reject)) return;
      this.waiters.push({ resolve, reject });
      this.flush();
    });
  }

  get stats(): JournalStats {
    return { records: this.recordCount, syncs: this.syncCount, lastSyncMs: this.lastSync, compactions: this.compactions, lastCompactionMs: this.lastCompaction };
  }

  get failed(): BoxError | undefined {
    return this.failure;
  }

  /** Waits for queued records, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.syncing || this.queue.length > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    this.closed = true;
    await new Promise<void>((resolve) => closeFd(this.fd, () => resolve()));
  }

  private enqueue(record: JournalRecord, reject: (error: Error) => void): boolean {
    return this.enqueueLine(JSON.stringify(record), reject);
  }

  private enqueueLine(line: string, reject: (error: Error) => void): boolean {
    if (this.failure || this.closed) {
      reject(this.failure ?? new BoxError(BoxErrorCode.JournalClosed, 'the journal is closed'));
      return false;
    }
    this.queue.push(line + '\n');
    this.recordCount++;
    return true;
  }

  private flush(): void {
    if (this.syncing || this.queue.length === 0) return;
    this.syncing = true;
    const text = this.queue.join('');
    const waiters = this.waiters;
    this.queue = [];
    this.waiters = [];
    const started = performance.now();
    const done = (error: NodeJS.ErrnoException | null): void => {
      this.syncing = false;
      this.syncCount++;
      this.lastSync = performance.now() - started;
      if (!error && this.bytesWritten > this.compactAtBytes) error = this.compactNow();
      if (error) {
        this.failure = new BoxError(BoxErrorCode.JournalWriteFailed, `journal ${this.path}: ${error.message}`);
        for (const w of [...waiters, ...this.waiters]) w.reject(this.failure);
        this.waiters = [];
        this.queue = [];
      } else {
        for (const w of waiters) w.resolve();
      }
      if (this.queue.length > 0 && !this.failure) this.flush();
      else if (this.idle) this.idle();
    };
    const buffer = Buffer.from(text);
    this.bytesWritten += buffer.length;
    writeAll(this.fd, buffer, 0, (error) => (error ? done(error) : fdatasync(this.fd, done)));
  }

  /**
   * Between two syncs nothing is in flight, so the file on disk is the whole journal: it is read,
   * reduced and rewritten like at start. This pauses the box for a moment proportional to the
   * file, which is why it waits until the file is large and happens rarely.
   */
  private compactNow(): NodeJS.ErrnoException | null {
    try {
      closeSync(this.fd);
      const started = performance.now();
      // Every line was written by this process since the start-up check: JSON parsing is enough.
      const { state } = readState(this.path, false);
      this.bytesWritten = rewrite(this.dataDir, this.path, state);
      this.fd = openSync(this.path, 'a');
      this.compactions++;
      this.lastCompaction = performance.now() - started;
      return null;
    } catch (error) {
      return error as NodeJS.ErrnoException;
    }
  }
}

/** Writes the snapshot of `state` to a new file, syncs it and puts it in place; returns its size. */
function rewrite(dataDir: string, path: string, state: JournalState): number {
  const lines = snapshot(state).map((r) => JSON.stringify(r) + '\n').join('');
  const temporary = `${path}.tmp`;
  const tmpFd = openSync(temporary, 'w');
  try {
    writeSync(tmpFd, lines);
    fsyncSync(tmpFd);
  } finally {
    closeSync(tmpFd);
  }
  renameSync(temporary, path);
  syncDirectory(dataDir);
  return Buffer.byteLength(lines);
}

function writeAll(fd: number, buffer: Buffer, offset: number, callback: (error: NodeJS.ErrnoException | null) => void): void {
  write(fd, buffer, offset, buffer.length - offset, null, (error, written) => {
    if (error) return callback(error);
    if (offset + written < buffer.length) return writeAll(fd, buffer, offset + written, callback);
    callback(null);
  });
}

/**
 * Replays the file. A line that is not JSON is where a crash cut the file (a half-written record,
 * or the zeros a power loss can leave after the last sync): it and everything after it were never
 * acknowledged as durable, so they are set aside in `damagedTail`. A line that is JSON but not a
 * record is damage of another kind (a bug, a foreign file) and stops the box, unless it is the last.
 */
function readState(path: string, validate = true): { state: JournalState; tornTail: boolean; damagedTail: string | undefined } {
  const state = emptyState();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state, tornTail: false, damagedTail: undefined };
    throw error;
  }
  const lines = text.split('\n');
  let lastFilled = lines.length - 1;
  while (lastFilled >= 0 && lines[lastFilled] === '') lastFilled--;
  for (let i = 0; i <= lastFilled; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return { state, tornTail: true, damagedTail: lines.slice(i).join('\n') };
    }
    try {
      applyRecord(state, validate ? toRecord(value, i + 1) : (value as JournalRecord));
    } catch (error) {
      if (i === lastFilled) return { state, tornTail: true, damagedTail: line };
      throw error;
    }
  }
  return { state, tornTail: false, damagedTail: undefined };
}

function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems refuse to sync a directory; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
