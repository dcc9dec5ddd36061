import { readFileSync } from 'node:fs';
import { toRecord, type JournalRecord } from './records.js';
import { applyRecord, emptyState, type JournalState } from './state.js';

export interface Replayed {
  readonly state: JournalState;
  /** The file ended in a line a crash left unreadable. */
  readonly tornTail: boolean;
  /** That line and everything after it, kept aside for whoever wants to look. */
  readonly damagedTail: string | undefined;
}

/** The state a list of records adds up to. */
export function replay(records: Iterable<JournalRecord>): JournalState {
  const state = emptyState();
  for (const record of records) applyRecord(state, record);
  return state;
}

/**
 * Replays the file at start. A line that is not JSON is where a crash cut the file (a
 * half-written record, or the zeros a power loss can leave after the last sync): it and everything
 * after it were never acknowledged as durable, so they are set aside in `damagedTail`. A line that
 * is JSON but not a record is damage of another kind (a bug, a foreign file) and stops the box,
 * unless it is the last.
 */
export function readJournalFile(path: string): Replayed {
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
      applyRecord(state, toRecord(value, i + 1));
    } catch (error) {
      if (i === lastFilled) return { state, tornTail: true, damagedTail: line };
      throw error;
    }
  }
  return { state, tornTail: false, damagedTail: undefined };
}
