import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BoxError } from '../errors.js';
import { removeDir, tempDir } from '../test-support/harness.js';
import { Journal, JOURNAL_FILE } from './journal.js';
import type { JournalRecord } from './records.js';
import type { SnapshotStep } from './snapshot-file.js';

const uuid = '6f1c2b8e-2a4b-4c1d-9e0f-0a1b2c3d4e5f';
const at = '2026-11-25T10:00:00.000Z';
const dirs: string[] = [];

function dir(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}

afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

const started: JournalRecord = { k: 'txStarted', paymentUuid: uuid, terminalId: 'T1', transactionId: '123', amountCents: 500, at };
const stage: JournalRecord = {
  k: 'event',
  id: '1:1',
  at,
  event: { kind: 'transactionStage', paymentUuid: uuid, terminalId: 'T1', stage: 'WaitingForCard', stageId: 1 },
};
const sent: JournalRecord = {
  k: 'event',
  id: '1:2',
  at,
  event: { kind: 'transactionSent', paymentUuid: uuid, terminalId: 'T1', transactionId: '123', amountCents: 500 },
};

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof BoxError) return error.code;
    throw error;
  }
  throw new Error('expected a BoxError');
}

describe('Journal', () => {
  it('has a record on disk when append resolves, and counts boots', async () => {
    const d = dir();
    const { journal, state } = Journal.open(d);
    expect(state.boot).toBe(1);
    await journal.append(started);
    const lines = readFileSync(join(d, JOURNAL_FILE), 'utf8').trim().split('\n');
    expect(JSON.parse(lines.at(-1)!)).toEqual(started);
    await journal.close();
    const again = Journal.open(d);
    expect(again.state.boot).toBe(2);
    expect(again.state.transactions.get(uuid)).toMatchObject({ status: 'sent', amountCents: 500 });
    await again.journal.close();
  });

  it('groups records queued during a sync into the next one', async () => {
    const { journal } = Journal.open(dir());
    await Promise.all(Array.from({ length: 50 }, (_, i) => journal.append({ k: 'command', commandId: i + 1 })));
    expect(journal.stats.records).toBe(50);
    expect(journal.stats.syncs).toBeLessThan(50);
    await journal.close();
  });

  it('compacts on open: acknowledged events go, unacknowledged ones and open transactions stay', async () => {
    const d = dir();
    const { journal } = Journal.open(d);
    journal.write(started);
    journal.write(stage);
    journal.write(sent);
    await journal.append({ k: 'ack', ids: ['1:1'] });
    await journal.close();
    const { journal: reopened, state } = Journal.open(d);
    await reopened.close();
    expect([...state.events.keys()]).toEqual(['1:2']);
    const text = readFileSync(join(d, JOURNAL_FILE), 'utf8');
    expect(text).not.toContain('"1:1"');
    expect(text).toContain('txStarted');
  });

  it('remembers settled transactions with their final event across a compaction', async () => {
    const d = dir();
    const { journal } = Journal.open(d);
    journal.write(started);
    await journal.append({ k: 'txSettled', paymentUuid: uuid, final: { kind: 'transactionNotRun', paymentUuid: uuid, terminalId: 'T1', reason: 'other id' } });
    await journal.close();
    await Journal.open(d).journal.close();
    const { journal: third, state } = Journal.open(d);
    await third.close();
    expect(state.transactions.get(uuid)).toMatchObject({ status: 'settled', final: { kind: 'transactionNotRun' } });
  });

  it('drops a half-written last line left by a crash', async () => {
    const d = dir();
    const { journal } = Journal.open(d);
    await journal.append(started);
    await journal.close();
    appendFileSync(join(d, JOURNAL_FILE), '{"k":"event","id":"1:9","at":"2026-');
    const { journal: reopened, state, tornTail } = Journal.open(d);
    await reopened.close();
    expect(tornTail).toBe(true);
    expect(state.transactions.has(uuid)).toBe(true);
  });

  it('refuses to start on a damaged record that is not the last line', () => {
    const d = dir();
    writeFileSync(join(d, JOURNAL_FILE), `{"k":"boot","boot":1,"at":"${at}"}\n{"k":"teleport"}\n{"k":"boot","boot":2,"at":"${at}"}\n`);
    expect(codeOf(() => Journal.open(d))).toBe('BOX_JOURNAL_CORRUPT');
  });

  it('refuses an event record that does not match the contract', () => {
    const d = dir();
    const bad = { ...stage, event: { kind: 'transactionStage', paymentUuid: 'nope' } };
    writeFileSync(join(d, JOURNAL_FILE), `${JSON.stringify(bad)}\n{"k":"boot","boot":2,"at":"${at}"}\n`);
    expect(codeOf(() => Journal.open(d))).toBe('BOX_JOURNAL_CORRUPT');
  });

  it('reads a resumption back, and refuses one that names no payment', async () => {
    const d = dir();
    const { journal } = Journal.open(d);
    await journal.append(started);
    await journal.append({ k: 'txUnknown', paymentUuid: uuid, reason: 'the terminal connection closed' });
    await journal.append({ k: 'txResumed', paymentUuid: uuid });
    await journal.close();
    const { journal: reopened, state } = Journal.open(d);
    await reopened.close();
    expect(state.transactions.get(uuid)).toMatchObject({ status: 'sent', unknownReason: undefined });

    const bad = dir();
    writeFileSync(join(bad, JOURNAL_FILE), `{"k":"txResumed"}\n{"k":"boot","boot":2,"at":"${at}"}\n`);
    expect(codeOf(() => Journal.open(bad))).toBe('BOX_JOURNAL_CORRUPT');
  });

  it('refuses records after close with a typed error', async () => {
    const { journal } = Journal.open(dir());
    await journal.close();
    await expect(journal.append(started)).rejects.toMatchObject({ code: 'BOX_JOURNAL_CLOSED' });
  });
});

describe('Journal records whose loss is harmless', () => {
  it('go to the disk with the next durable record, in one sync', async () => {
    const d = dir();
    const { journal } = Journal.open(d);
    journal.write(stage);
    journal.write(sent);
    await new Promise((resolve) => setImmediate(resolve));
    expect(journal.stats.syncs).toBe(0);
    await journal.append(started);
    expect(journal.stats.syncs).toBe(1);
    const lines = readFileSync(join(d, JOURNAL_FILE), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => JSON.parse(l) as JournalRecord);
    expect(lines).toEqual([stage, sent, started]);
    await journal.close();
  });

  it('go to the disk by themselves when no durable record comes', async () => {
    const d = dir();
    const { journal } = Journal.open(d);
    journal.write(started);
    await waitUntil(() => journal.stats.syncs === 1);
    expect(readFileSync(join(d, JOURNAL_FILE), 'utf8')).toContain('txStarted');
    await journal.close();
  });

  it('are written when the journal closes', async () => {
    const d = dir();
    const { journal } = Journal.open(d);
    journal.write(started);
    await journal.close();
    expect(readFileSync(join(d, JOURNAL_FILE), 'utf8')).toContain('txStarted');
  });
});

describe('Journal compaction while running', () => {
  it('rewrites a journal grown past its limit without losing open work or unacknowledged events', async () => {
    const d = dir();
    const { journal } = Journal.open(d, { compactAtBytes: 4096 });
    await journal.append(started);
    for (let i = 1; i <= 60; i++) {
      const id = `1:${i}`;
      journal.write({ ...stage, id });
      journal.write({ k: 'ack', ids: [id] });
    }
    await journal.append(sent);
    // Its sync starts the compaction, whose snapshot holds it.
    await journal.append({ k: 'command', commandId: 7 });
    await journal.close();
    expect(journal.stats.compactions).toBe(1);
    expect(readFileSync(join(d, JOURNAL_FILE), 'utf8')).not.toContain('"1:60"');
    const { journal: reopened, state } = Journal.open(d);
    await reopened.close();
    expect([...state.events.keys()]).toEqual(['1:2']);
    expect(state.transactions.get(uuid)?.status).toBe('sent');
    expect(state.commands.has(7)).toBe(true);
    expect(state.boot).toBe(2);
  });

  it('writes the state it keeps in memory, not what it reads back from the file', async () => {
    const d = dir();
    const { journal } = Journal.open(d, { compactAtBytes: 1024 });
    await journal.append(started);
    // Whatever the file says now is not read again: the live state is the source of the snapshot.
    writeFileSync(join(d, JOURNAL_FILE), '');
    for (let i = 1; i <= 20; i++) journal.write({ k: 'command', commandId: i });
    await journal.append(sent);
    await journal.append({ k: 'command', commandId: 99 });
    await journal.close();
    expect(journal.stats.compactions).toBe(1);
    const { journal: reopened, state } = Journal.open(d);
    await reopened.close();
    expect(state.transactions.get(uuid)?.status).toBe('sent');
    expect([...state.events.keys()]).toEqual(['1:2']);
    expect(state.commands.size).toBe(21);
  });

  it('syncs records to the old file while the snapshot is written, and gives them to the new file after it, in order', async () => {
    const d = dir();
    const compactionsWhenSynced: number[] = [];
    const pending: Promise<void>[] = [];
    const { journal } = Journal.open(d, {
      compactAtBytes: 1024,
      onCompactionStep: (s) => {
        if (s !== 'written' || pending.length > 0) return;
        for (let i = 1; i <= 3; i++)
          pending.push(journal.append({ k: 'command', commandId: 1000 + i }).then(() => void compactionsWhenSynced.push(journal.stats.compactions)));
      },
    });
    for (let i = 1; i <= 30; i++) journal.write({ k: 'command', commandId: i });
    await journal.append(started);
    await journal.append(sent);
    await waitUntil(() => pending.length === 3);
    await Promise.all(pending);
    // On disk before the new file took the old one's place.
    expect(compactionsWhenSynced).toEqual([0, 0, 0]);
    await journal.close();
    expect(journal.stats.compactions).toBe(1);
    const lines = readFileSync(join(d, JOURNAL_FILE), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as JournalRecord);
    expect(lines[0]).toMatchObject({ k: 'boot' });
    expect(lines.slice(-3)).toEqual([1001, 1002, 1003].map((commandId) => ({ k: 'command', commandId })));
    const { journal: reopened, state } = Journal.open(d);
    await reopened.close();
    expect(state.commands.size).toBe(33);
    expect(state.transactions.get(uuid)?.status).toBe('sent');
  });

  it('holds records queued while the new file catches up until it is in place, then writes them after the tail', async () => {
    const d = dir();
    const resolvedAt: Record<string, SnapshotStep | 'after'> = {};
    let step: SnapshotStep | 'after' = 'after';
    const pending: Promise<void>[] = [];
    const { journal } = Journal.open(d, {
      compactAtBytes: 1024,
      onCompactionStep: (s) => {
        step = s;
        if (s === 'written') pending.push(journal.append({ k: 'command', commandId: 500 }).then(() => void (resolvedAt[500] = step)));
        if (s !== 'caughtUp') return;
        for (let i = 1; i <= 3; i++) pending.push(journal.append({ k: 'command', commandId: 1000 + i }).then(() => void (resolvedAt[1000 + i] = step)));
      },
    });
    for (let i = 1; i <= 30; i++) journal.write({ k: 'command', commandId: i });
    await journal.append(started);
    await journal.append(sent);
    await waitUntil(() => pending.length === 4);
    await Promise.all(pending);
    // Synced to the old file alongside the snapshot's own sync when its sync started before the
    // hold (the catch-up waits for it); on a loaded machine it may not have, and it is then held and
    // written with the others to the new file. Either way it resolves only once on disk, in order.
    expect(['written', 'synced', 'directorySynced']).toContain(resolvedAt[500]);
    expect([1001, 1002, 1003].map((id) => resolvedAt[id])).toEqual(['directorySynced', 'directorySynced', 'directorySynced']);
    expect(journal.stats.lastCompactionHoldMs).toBeGreaterThan(0);
    await journal.close();
    const lines = readFileSync(join(d, JOURNAL_FILE), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as JournalRecord);
    expect(lines.slice(-4)).toEqual([500, 1001, 1002, 1003].map((commandId) => ({ k: 'command', commandId })));
  });
});

describe('Journal compaction cut by a crash', () => {
  const steps: SnapshotStep[] = ['written', 'synced', 'caughtUp', 'renamed', 'directorySynced'];

  it.each(steps)('opens with every record it said was on disk when the box dies right after the step "%s"', async (crashAt) => {
    const d = dir();
    const appends: Promise<number | null>[] = [];
    const append = (commandId: number): void =>
      void appends.push(
        journal.append({ k: 'command', commandId }).then(
          () => commandId,
          () => null,
        ),
      );
    const { journal } = Journal.open(d, {
      compactAtBytes: 1024,
      onCompactionStep: (s) => {
        // What a crash leaves: the files as they are at this step, nothing after it.
        if (s === crashAt) throw new Error(`crash after ${s}`);
        append(steps.indexOf(s) + 10);
      },
    });
    await journal.append(started);
    for (let i = 1; i <= 30; i++) {
      journal.write({ ...stage, id: `1:${10 + i}` });
      journal.write({ k: 'ack', ids: [`1:${10 + i}`] });
    }
    await journal.append(sent);
    // Its sync starts the compaction; the steps before the crash add one record each.
    append(5);
    await waitUntil(() => appends.length === steps.indexOf(crashAt) + 1);
    const onDisk = (await Promise.all(appends)).filter((id) => id !== null);
    await journal.close();
    expect(journal.failed?.code).toBe('BOX_JOURNAL_WRITE_FAILED');
    const { journal: reopened, state } = Journal.open(d);
    await reopened.close();
    expect(onDisk).toContain(5);
    for (const id of onDisk) expect(state.commands.has(id)).toBe(true);
    expect(state.transactions.get(uuid)?.status).toBe('sent');
    expect([...state.events.keys()]).toEqual(['1:2']);
    expect(state.boot).toBe(2);
    expect(readdirSync(d).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('ignores and removes a half-written temporary file', async () => {
    const d = dir();
    const { journal } = Journal.open(d);
    await journal.append(started);
    await journal.close();
    writeFileSync(join(d, `${JOURNAL_FILE}.tmp`), '{"k":"boot","boot":9,"at":"2026-');
    const { journal: reopened, state } = Journal.open(d);
    await reopened.close();
    expect(state.boot).toBe(2);
    expect(state.transactions.has(uuid)).toBe(true);
    expect(readdirSync(d)).not.toContain(`${JOURNAL_FILE}.tmp`);
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}

describe('Journal after a power loss', () => {
  it('ends the journal at the first line a crash left unreadable, and keeps that tail aside', async () => {
    const d = dir();
    const { journal } = Journal.open(d);
    await journal.append(started);
    await journal.close();
    appendFileSync(join(d, JOURNAL_FILE), '\0\0\0\0\0\0\n' + JSON.stringify(sent) + '\n');
    const { journal: reopened, state, tornTail } = Journal.open(d);
    await reopened.close();
    expect(tornTail).toBe(true);
    expect(state.transactions.has(uuid)).toBe(true);
    expect(state.events.size).toBe(0);
    expect(readdirSync(d).some((name) => name.startsWith(`${JOURNAL_FILE}.damaged-`))).toBe(true);
  });
});

describe('Journal replay of a crash between a result and its settled record', () => {
  it('treats the final event on disk as the settlement of its transaction', async () => {
    const d = dir();
    const { journal } = Journal.open(d);
    journal.write(started);
    await journal.append({ k: 'event', id: '1:3', at, event: { kind: 'transactionNotRun', paymentUuid: uuid, terminalId: 'T1', reason: 'other id' } });
    await journal.close();
    const { journal: reopened, state } = Journal.open(d);
    await reopened.close();
    expect(state.transactions.get(uuid)).toMatchObject({ status: 'settled', final: { kind: 'transactionNotRun' } });
    expect([...state.events.keys()]).toEqual(['1:3']);
  });
});
