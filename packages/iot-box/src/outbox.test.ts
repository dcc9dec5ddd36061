import { afterEach, describe, expect, it } from 'vitest';
import type { BoxEvent } from '@kassa/contract';
import { Journal } from './journal/journal.js';
import { createLogger } from './logger.js';
import { Outbox, type OutboxEntry } from './outbox.js';
import { removeDir, tempDir } from './test-support/harness.js';
import { waitFor } from './test-support/wait.js';

const uuid = '6f1c2b8e-2a4b-4c1d-9e0f-0a1b2c3d4e5f';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

function outbox(): { box: Outbox; journal: Journal } {
  const d = tempDir();
  dirs.push(d);
  const { journal, state } = Journal.open(d);
  return { box: new Outbox(journal, state.boot, [], createLogger('silent')), journal };
}

const stage = (terminalId: string): BoxEvent => ({ kind: 'transactionStage', paymentUuid: uuid, terminalId, stage: 'WaitingForCard', stageId: 1 });
const notRun = (terminalId: string): BoxEvent => ({ kind: 'transactionNotRun', paymentUuid: uuid, terminalId, reason: 'test' });

function drained(box: Outbox): string[] {
  const sent: OutboxEntry[] = [];
  box.drain((e) => {
    sent.push(e);
    return true;
  });
  return sent.map((e) => `${e.lane}/${e.kind}`);
}

describe('Outbox', () => {
  it('hands a stage to the uplink at once, before the journal has synced anything', async () => {
    const { box, journal } = outbox();
    box.emit(stage('A'));
    expect(drained(box)).toEqual(['A/transactionStage']);
    expect(journal.stats.syncs).toBe(0);
    await journal.close();
    expect(journal.stats.syncs).toBe(1);
  });

  it('holds back the later events of a terminal behind one waiting for the disk, not those of other terminals', async () => {
    const { box, journal } = outbox();
    box.emitDurable(notRun('A'));
    box.emit(stage('A'));
    box.emit(stage('B'));
    expect(drained(box)).toEqual(['B/transactionStage']);
    await waitFor(() => box.values().next().value?.ready, 'the durable event on disk');
    expect(drained(box)).toEqual(['A/transactionNotRun', 'A/transactionStage']);
    expect(drained(box)).toEqual([]);
    await journal.close();
  });

  it('sends every unacknowledged event again after a rewind, and drops acknowledged ones', async () => {
    const { box, journal } = outbox();
    box.emit(stage('A'));
    box.emit(stage('B'));
    const ids = [...box.values()].map((e) => e.id);
    expect(drained(box)).toHaveLength(2);
    expect(box.ack([ids[0]!, ids[0]!, 'nope'])).toBe(1);
    box.rewind();
    expect(drained(box)).toEqual(['B/transactionStage']);
    await journal.close();
  });

  it('stops when the link is full and goes on from the same event', async () => {
    const { box, journal } = outbox();
    for (const id of ['A', 'B', 'C']) box.emit(stage(id));
    const first: string[] = [];
    box.drain((e) => (first.length < 1 ? (first.push(e.lane), true) : false));
    expect(first).toEqual(['A']);
    expect(drained(box)).toEqual(['B/transactionStage', 'C/transactionStage']);
    await journal.close();
  });

  it('refuses to queue an event that does not match the contract', async () => {
    const { box, journal } = outbox();
    box.emit({ ...stage('A'), stageId: 999 } as BoxEvent);
    expect(box.size).toBe(0);
    await journal.close();
  });
});

describe('Outbox bound', () => {
  it('drops the oldest progress events, never a final one, when too many wait for the server', async () => {
    const d = tempDir();
    dirs.push(d);
    const { journal, state } = Journal.open(d);
    const box = new Outbox(journal, state.boot, [], createLogger('silent'), { maxPending: 10 });
    box.emit(notRun('A'));
    for (let i = 0; i < 15; i++) box.emit(stage('A'));
    const kinds = [...box.values()].map((e) => e.kind);
    expect(kinds.length).toBeLessThanOrEqual(10);
    expect(kinds[0]).toBe('transactionNotRun');
    await journal.close();
  });
});
