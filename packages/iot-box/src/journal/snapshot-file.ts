import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { PRIVATE_FILE_MODE } from '../private-files.js';
import type { JournalRecord } from './records.js';

/** The name a new journal is written under until it is complete and synced. */
export function temporaryPathOf(path: string): string {
  return `${path}.tmp`;
}

/**
 * Records serialised per slice while the box runs: small enough that one slice holds the event
 * loop for about a millisecond, large enough that a snapshot takes few writes.
 */
const RECORDS_PER_SLICE = 200;

export interface SnapshotWritten {
  readonly bytes: number;
  /** The longest stretch the event loop was held (serialising one slice), ms. */
  readonly longestSliceMs: number;
}

/**
 * The steps that replace a journal by a snapshot, in the order a crash may cut them. Until the
 * rename the old file is whole and the temporary one is ignored (and removed) at the next start;
 * the rename swaps one complete file for another in one step; the directory sync makes the swap
 * itself durable.
 */
export type SnapshotStep = 'written' | 'synced' | 'caughtUp' | 'renamed' | 'directorySynced';

/** What the old file took since the snapshot's state, in order, taken in two parts. */
export interface TailSource {
  /** What it took so far; it goes on taking records. */
  sofar(): string;
  /** The rest, once no record is on its way to the old file; records wait from then on until the new file is in place. */
  rest(): Promise<string>;
}

/** At start: the whole snapshot in one go, the box serves nothing yet. Returns its size. */
export function writeSnapshotSync(dataDir: string, path: string, records: readonly JournalRecord[]): number {
  const text = records.map((r) => JSON.stringify(r) + '\n').join('');
  const temporary = temporaryPathOf(path);
  const fd = openSync(temporary, 'w', PRIVATE_FILE_MODE);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  syncDirectorySync(dataDir);
  return Buffer.byteLength(text);
}

/**
 * While the box runs: the same steps with asynchronous calls, serialising a slice of records at a
 * time, so the event loop goes on serving terminals between slices. `records` is read slice by
 * slice: it must not depend on anything that changes meanwhile (see `planSnapshot`).
 *
 * The old file goes on taking records while the snapshot is written (the tail). Once the snapshot
 * is on disk, the tail so far is written and synced after it while the old file still goes on;
 * then the old file is stopped, the rest of the tail written and synced, and the rename makes the
 * new file the journal. `onStep` lets a test stop at each step.
 */
export async function writeSnapshot(
  dataDir: string,
  path: string,
  records: Iterable<JournalRecord>,
  tail: TailSource,
  onStep: (step: SnapshotStep) => void = () => undefined,
): Promise<SnapshotWritten> {
  const temporary = temporaryPathOf(path);
  let bytes = 0;
  let longestSliceMs = 0;
  const handle = await open(temporary, 'w', PRIVATE_FILE_MODE);
  try {
    const source = records[Symbol.iterator]();
    for (let done = false; !done;) {
      const started = performance.now();
      let text = '';
      for (let i = 0; i < RECORDS_PER_SLICE; i++) {
        const next = source.next();
        if (next.done) {
          done = true;
          break;
        }
        text += JSON.stringify(next.value) + '\n';
      }
      const buffer = Buffer.from(text);
      longestSliceMs = Math.max(longestSliceMs, performance.now() - started);
      bytes += await writeWhole(handle, buffer);
    }
    onStep('written');
    await handle.sync();
    onStep('synced');
    bytes += await appendSynced(handle, tail.sofar());
    bytes += await appendSynced(handle, await tail.rest());
    onStep('caughtUp');
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
  onStep('renamed');
  await syncDirectory(dataDir);
  onStep('directorySynced');
  return { bytes, longestSliceMs };
}

async function writeWhole(handle: FileHandle, buffer: Buffer): Promise<number> {
  for (let offset = 0; offset < buffer.length;) offset += (await handle.write(buffer, offset)).bytesWritten;
  return buffer.length;
}

/** Writes and syncs text after what the file holds; nothing to do for none. Returns its size. */
async function appendSynced(handle: FileHandle, text: string): Promise<number> {
  if (text === '') return 0;
  const bytes = await writeWhole(handle, Buffer.from(text));
  await handle.sync();
  return bytes;
}

/** A temporary file left by a crash before its rename: never part of the journal. */
export function removeTemporary(path: string): void {
  rmSync(temporaryPathOf(path), { force: true });
}

function syncDirectorySync(dir: string): void {
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

async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some file systems refuse to sync a directory; the rename is still atomic.
  }
}
