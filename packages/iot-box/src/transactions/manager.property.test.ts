import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Body, TypedMessage, TypedMessageName } from '@kassa/protocol';
import { transactionIdFromUuid, type BoxCommand } from '@kassa/contract';
import type { JournalWriter } from '../journal/journal.js';
import type { EventRecord, JournalRecord } from '../journal/records.js';
import { readJournalFile, replay } from '../journal/replay.js';
import { applyRecord, emptyState, snapshot, type JournalState } from '../journal/state.js';
import { createLogger } from '../logger.js';
import { Outbox } from '../outbox.js';
import { DeviceRegistry } from '../registry.js';
import type { TerminalSession } from '../terminal/session.js';
import { removeDir, tempDir } from '../test-support/harness.js';
import { TransactionManager } from './manager.js';

/**
 * The live manager and the replay of the journal it wrote must agree: every change of a
 * transaction goes through the journal's reducer. Commands, terminal frames, disconnections,
 * timeouts and the disk catching up come in any order.
 */

const TIMEOUT_MS = 1000;
const TERMINALS = ['T1', 'T2'] as const;
const PAYMENTS = [
  '0b7e8f52-3d5c-4a8e-9f00-6a2d1c9b7e41',
  '6f1c2b8e-2a4b-4c1d-9e0f-0a1b2c3d4e5f',
  '00000000-0000-4000-8000-000000000001',
  '00000000-0000-4000-8000-000000000002',
];
const AMOUNTS = [700, 1200];
const OTHER_TRANSACTION = 123_456_789n;

/** A journal in memory whose durable records reach the "disk" only when the test says so. */
class MemoryJournal implements JournalWriter {
  /** The lines up to here are on the "disk" for sure: a crash keeps them (and perhaps some after them). */
  durable: number;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly lines: string[] = []) {
    this.durable = lines.length;
  }

  append(record: JournalRecord): Promise<void> {
    this.lines.push(JSON.stringify(record));
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  write(record: JournalRecord): void {
    this.lines.push(JSON.stringify(record));
  }

  appendEvent(_record: EventRecord, line: string, durable: boolean): Promise<void> | undefined {
    this.lines.push(line);
    return durable ? new Promise((resolve) => this.waiting.push(resolve)) : undefined;
  }

  sync(): void {
    this.durable = this.lines.length;
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

type Step =
  | { readonly k: 'connect' | 'disconnect'; readonly t: number }
  | { readonly k: 'start'; readonly p: number; readonly t: number; readonly amount: number; readonly refund: boolean }
  | { readonly k: 'cancelTransaction' | 'recoverTransaction' | 'releaseTransaction'; readonly p: number; readonly t: number }
  | { readonly k: 'sync' | 'timeout' }
  /** The box is killed and starts again: the lines not yet synced survive up to `kept` (a share of them, in order). */
  | { readonly k: 'crash'; readonly kept: number }
  | { readonly k: 'answer'; readonly t: number; readonly type: 'TransactionResponse' | 'LastTransactionResponse'; readonly answer: Answer }
  | { readonly k: 'frame'; readonly t: number; readonly type: TypedMessageName; readonly body: Body };

const terminal = fc.nat({ max: TERMINALS.length - 1 });
const payment = fc.nat({ max: PAYMENTS.length - 1 });
/** What a terminal's answer names: the transaction it runs for the box (most often), another payment's, another one, or none. */
type Named = 'running' | bigint | undefined;
const namedId: fc.Arbitrary<Named> = fc.oneof(
  { weight: 3, arbitrary: fc.constant('running' as const) },
  { weight: 1, arbitrary: payment.map((p) => transactionIdFromUuid(PAYMENTS[p]!)) },
  { weight: 1, arbitrary: fc.constant(OTHER_TRANSACTION) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);
const amount = fc.oneof(
  { weight: 3, arbitrary: fc.constant('running' as const) },
  { weight: 1, arbitrary: fc.constantFrom(...AMOUNTS) },
  { weight: 2, arbitrary: fc.constant(undefined) },
);
const result = fc.option(fc.constantFrom(0, 1, 2, 7), { nil: undefined, freq: 2 });
const text = fc.option(fc.constantFrom('Insert card', 'PIN OK'), { nil: undefined });

interface Answer {
  readonly transactionId: Named;
  readonly amount: 'running' | number | undefined;
  readonly transactionStage: number | undefined;
  readonly transactionResult: number | undefined;
  readonly stageMessage: string | undefined;
}
const answer: fc.Arbitrary<Answer> = fc.record({
  transactionId: namedId,
  amount,
  transactionStage: fc.option(fc.constantFrom(1, 3, 5), { nil: undefined }),
  transactionResult: result,
  stageMessage: text,
});

/** The body of an answer, naming what the terminal runs for the box at this moment. */
function answerBody(manager: TransactionManager, terminalId: string, a: Answer): Body {
  const running = manager.viewOf(terminalId);
  const transactionId = a.transactionId === 'running' ? (running ? BigInt(running.transactionId) : undefined) : a.transactionId;
  const cents = a.amount === 'running' ? running?.amountCents : a.amount;
  return {
    ...(transactionId !== undefined ? { transactionId } : {}),
    ...(cents !== undefined ? { transactionData: { amount: cents } } : {}),
    ...(a.transactionStage !== undefined ? { transactionStage: a.transactionStage } : {}),
    ...(a.transactionResult !== undefined ? { transactionResult: a.transactionResult } : {}),
    ...(a.stageMessage !== undefined ? { stageMessage: a.stageMessage } : {}),
  };
}

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ k: fc.constantFrom('connect' as const, 'disconnect' as const), t: terminal }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('start' as const), p: payment, t: terminal, amount: fc.constantFrom(...AMOUNTS), refund: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constantFrom('cancelTransaction' as const, 'recoverTransaction' as const, 'releaseTransaction' as const),
      p: payment,
      t: terminal,
    }),
  },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('sync' as const) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('timeout' as const) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('crash' as const), kept: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  {
    weight: 5,
    arbitrary: fc.record({
      k: fc.constant('answer' as const),
      t: terminal,
      type: fc.constantFrom('TransactionResponse' as const, 'LastTransactionResponse' as const),
      answer,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('frame' as const),
      t: terminal,
      type: fc.constant('InformationReport' as const),
      body: fc.record({ stageMessage: text }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('frame' as const),
      t: terminal,
      type: fc.constant('CancelResponse' as const),
      body: fc.record({ resultCode: fc.constantFrom(0, 1) }),
    }),
  },
);
/** Both terminals come on line first (they go and come back as the steps say). */
const steps = fc.array(step, { minLength: 1, maxLength: 60, size: 'max' }).map((rest): Step[] => [{ k: 'connect', t: 0 }, { k: 'connect', t: 1 }, ...rest]);

interface LiveBox {
  state: JournalState;
  journal: MemoryJournal;
  manager: TransactionManager;
  registry: DeviceRegistry;
}

/**
 * A box's transaction side with its journal in memory: the manager, the outbox and the registry,
 * as the box wires them; started on the lines a previous run left on disk, as a new boot.
 */
function liveBox(lines: readonly string[] = []): LiveBox {
  const log = createLogger('silent');
  const state = lines.length === 0 ? emptyState() : replay(lines.map((line) => JSON.parse(line) as JournalRecord));
  state.boot += 1;
  const journal = new MemoryJournal([...lines, JSON.stringify({ k: 'boot', boot: state.boot, at: new Date().toISOString() })]);
  const outbox = new Outbox(journal, state.boot, state.events.values(), log);
  const registry = new DeviceRegistry(() => undefined);
  const manager = new TransactionManager(state, journal, outbox, registry, log, { transactionTimeoutMs: TIMEOUT_MS });
  return { state, journal, manager, registry };
}

/** A crash: the old process is gone with whatever had not reached the disk; a new one starts on what did. */
function crash(box: LiveBox, kept: number): void {
  box.manager.stop();
  const { lines, durable } = box.journal;
  Object.assign(box, liveBox(lines.slice(0, durable + Math.floor(kept * (lines.length - durable)))));
}

/**
 * The journal never holds a stage reported for a payment it holds unknown: the stage that takes a
 * lost payment out of `unknown` on the server follows its resumption, so a box that replays the
 * journal never keeps a payment unknown that the server last saw running.
 */
function stagesOnlyWhileRunning(lines: readonly string[]): void {
  const state = emptyState();
  for (const line of lines) {
    const record = JSON.parse(line) as JournalRecord;
    if (record.k === 'event' && record.event.kind === 'transactionStage') {
      expect(state.transactions.get(record.event.paymentUuid)?.status, `stage ${record.id}`).toBe('sent');
    }
    applyRecord(state, record);
  }
}

function fakeSession(terminalId: string): TerminalSession {
  return { terminalId, address: '127.0.0.1', lastFrameAt: Date.now(), send: () => undefined } as unknown as TerminalSession;
}

/** Lets the promise callbacks of a sync (the request sent after "started", the outbox's bookkeeping) run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function play(box: LiveBox, steps: readonly Step[]): Promise<void> {
  for (const [i, s] of steps.entries()) {
    const { journal, manager, registry } = box;
    // Each loss and each release says when it happened, so a reason journaled late or not at all shows.
    switch (s.k) {
      case 'connect': {
        const terminalId = TERMINALS[s.t]!;
        const { replaced } = registry.attach(fakeSession(terminalId), terminalId);
        if (replaced) manager.terminalLost(terminalId, `the terminal reconnected (step ${i})`);
        manager.terminalReady(terminalId);
        break;
      }
      case 'disconnect': {
        const terminalId = TERMINALS[s.t]!;
        const session = registry.get(terminalId)?.session;
        if (session && registry.detach(session, 'PEER_CLOSED')) manager.terminalLost(terminalId, `the terminal connection closed (step ${i})`);
        break;
      }
      case 'start':
        manager.handle({
          kind: 'startTransaction',
          paymentUuid: PAYMENTS[s.p]!,
          terminalId: TERMINALS[s.t]!,
          amountCents: s.amount,
          ...(s.refund ? { transactionKind: 'refund' as const } : {}),
        } as BoxCommand);
        break;
      case 'cancelTransaction':
      case 'recoverTransaction':
        manager.handle({ kind: s.k, paymentUuid: PAYMENTS[s.p]!, terminalId: TERMINALS[s.t]! } as BoxCommand);
        break;
      case 'releaseTransaction':
        manager.handle({ kind: s.k, paymentUuid: PAYMENTS[s.p]!, terminalId: TERMINALS[s.t]!, reason: `forced by the cashier (step ${i})` } as BoxCommand);
        break;
      case 'sync':
        journal.sync();
        await settle();
        break;
      case 'timeout':
        vi.advanceTimersByTime(TIMEOUT_MS);
        break;
      case 'crash':
        crash(box, s.kept);
        break;
      case 'answer':
      case 'frame': {
        const terminalId = TERMINALS[s.t]!;
        // Only a terminal on line says anything.
        if (!registry.get(terminalId)?.session) break;
        const body = s.k === 'answer' ? answerBody(manager, terminalId, s.answer) : s.body;
        manager.terminalMessage(terminalId, {
          type: s.type,
          typeId: 0,
          header: { protocolId: '00000100', terminalId, sequenceNumber: 1 },
          body,
        } as TypedMessage);
        break;
      }
    }
  }
}

const dir = tempDir();
afterAll(() => removeDir(dir));
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** The state the journal's file gives at the next start. */
function replayed(journal: MemoryJournal): JournalState {
  const path = join(dir, 'journal.jsonl');
  writeFileSync(path, journal.lines.map((line) => line + '\n').join(''));
  const { state, tornTail } = readJournalFile(path);
  expect(tornTail).toBe(false);
  return state;
}

describe('the transaction manager and its journal', () => {
  it('replaying the journal, or its compaction, gives the transactions the live manager reached, whatever happened', async () => {
    const seen = { resumed: 0, crashedAfterResuming: 0 };
    await fc.assert(
      fc.asyncProperty(steps, async (sequence) => {
        const box = liveBox();
        await play(box, sequence);
        box.journal.sync();
        await settle();
        box.manager.stop();
        const live = [...box.state.transactions.values()];
        const fromJournal = replayed(box.journal);
        expect([...fromJournal.transactions.values()]).toEqual(live);
        // And so does the journal compaction writes from it.
        expect([...replay(snapshot(fromJournal)).transactions.values()]).toEqual(live);
        stagesOnlyWhileRunning(box.journal.lines);
        const lines = box.journal.lines.join('\n');
        const resumedAt = lines.indexOf('"k":"txResumed"');
        if (resumedAt >= 0) seen.resumed++;
        if (resumedAt >= 0 && lines.indexOf('"k":"boot","boot":2', resumedAt) >= 0) seen.crashedAfterResuming++;
      }),
      { numRuns: 400 },
    );
    // The runs went through resumptions, and through crashes after one.
    expect(seen.resumed).toBeGreaterThan(10);
    expect(seen.crashedAfterResuming).toBeGreaterThan(0);
  });

  it('a payment released by hand keeps the reason live and after a replay', async () => {
    const box = liveBox();
    const uuid = PAYMENTS[0]!;
    await play(box, [
      { k: 'connect', t: 0 },
      { k: 'start', p: 0, t: 0, amount: 700, refund: false },
      { k: 'sync' },
      { k: 'disconnect', t: 0 },
      { k: 'releaseTransaction', p: 0, t: 0 },
    ]);
    const live = box.state.transactions.get(uuid);
    expect(live).toMatchObject({ status: 'settled', final: undefined, releaseReason: 'forced by the cashier (step 4)' });
    expect(replayed(box.journal).transactions.get(uuid)).toEqual(live);
  });
});
