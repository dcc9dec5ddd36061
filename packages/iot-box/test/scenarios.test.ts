import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startFleet, startTerminal, type ScenarioName, type TerminalHandle } from '@kassa/terminal-sim';
import type { BoxEvent } from '@kassa/contract';
import { FakeServer } from '../src/test-support/fake-server.js';
import { startTestBox } from '../src/test-support/harness.js';
import { waitFor } from '../src/test-support/wait.js';
import type { Box, BoxOptions } from '../src/box.js';

const TOKEN = 'test-token-123';
let box: (Box & { port: number }) | undefined;
let server: FakeServer | undefined;
const terminals: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(terminals.splice(0).map((t) => t.close()));
  await box?.close();
  await server?.close();
  box = undefined;
  server = undefined;
});

async function setup(options: BoxOptions = {}): Promise<{ box: Box & { port: number }; server: FakeServer }> {
  server = await FakeServer.start({ token: TOKEN });
  box = await startTestBox({ server: server.url, token: TOKEN, ...options });
  await waitFor(() => server!.hellos > 0, 'the box hello');
  return { box, server };
}

async function terminal(terminalId: string, scenario: ScenarioName, extra: { manualKeys?: boolean } = {}): Promise<TerminalHandle> {
  const t = startTerminal({ box: `127.0.0.1:${box!.port}`, terminalId, scenario, stageDelayMs: 5, reconnect: { initialMs: 20, maxMs: 200 }, ...extra });
  terminals.push(t);
  await t.ready();
  await waitFor(() => box!.registry.get(terminalId)?.online, `${terminalId} online on the box`);
  return t;
}

function start(terminalId: string, amountCents = 1234, paymentUuid: string = randomUUID()): string {
  server!.command({ kind: 'startTransaction', paymentUuid, terminalId, amountCents });
  return paymentUuid;
}

async function finalOf(paymentUuid: string): Promise<BoxEvent> {
  return waitFor(
    () => server!.eventsOf('transactionResult', paymentUuid)[0] ?? server!.eventsOf('transactionNotRun', paymentUuid)[0],
    `the final event of ${paymentUuid}`,
  );
}

/** Presses a key until `done`: a key pressed before the terminal asks for it is ignored, as on the device. */
async function pressUntil(t: TerminalHandle, key: 'card' | 'pin-ok', done: () => boolean): Promise<void> {
  await waitFor(() => {
    if (done()) return true;
    t.press(key);
    if (key === 'card') t.press('pin-ok');
    return false;
  }, `${key} to be taken`);
}

function kindsOf(paymentUuid: string): string[] {
  return [...server!.events.values()]
    .map((e) => e.event)
    .filter((e) => 'paymentUuid' in e && e.paymentUuid === paymentUuid)
    .map((e) => e.kind);
}

describe('each emulator scenario end to end through the box', () => {
  const outcomes: [ScenarioName, string][] = [
    ['approve', 'Approved'],
    ['decline', 'Declined'],
    ['error', 'Error'],
    ['stopped', 'Stopped'],
    ['technical-problem', 'TechnicalProblem'],
    ['pin-then-approve', 'Approved'],
    ['slow', 'Approved'],
    ['split', 'Approved'],
    ['garbage', 'Approved'],
  ];
  it.each(outcomes)('%s ends with the terminal result %s, reported once', async (scenario, result) => {
    await setup();
    const t = await terminal('70000001', scenario);
    const uuid = start('70000001');
    const final = await finalOf(uuid);
    expect(final).toMatchObject({ kind: 'transactionResult', result, recovered: false, terminalId: '70000001', amountCents: 1234 });
    expect(server!.eventsOf('transactionResult', uuid)).toHaveLength(1);
    expect(kindsOf(uuid)[0]).toBe('transactionSent');
    expect(server!.eventsOf('transactionStage', uuid).map((e) => e.stage)).toContain('WaitingForCard');
    expect(t.ledger.map((e) => e.result)).toEqual([result]);
    expect(server!.invalid).toEqual([]);
  });

  it('passes on every ticket record, the card brand and the authorisation code of an approval', async () => {
    await setup();
    const t = await terminal('70000002', 'approve');
    const uuid = start('70000002', 2500);
    const final = await finalOf(uuid);
    if (final.kind !== 'transactionResult') throw new Error('expected a result');
    expect(final.tickets.length).toBeGreaterThanOrEqual(2);
    expect(final.tickets.every((ticket) => ticket.text.length > 0)).toBe(true);
    expect(final.authorisationCode).toBe(t.ledger[0]!.authorisationCode);
    expect(final.cardBrand).toBe(t.ledger[0]!.cardBrand);
    expect(final.transactionId).toBe(t.ledger[0]!.transactionId.toString());
  });

  it('times each answer and each event from the terminal frame that caused it, and shows it on /status', async () => {
    await setup();
    await terminal('70000009', 'approve');
    const uuid = start('70000009', 1500);
    await finalOf(uuid);
    await waitFor(() => box!.status().latency.journaledEvent.count >= 1, 'the result timed');
    const { answer, event, journaledEvent } = box!.status().latency;
    // Stages and messages come from terminal frames; the command's own event (transactionSent) does not.
    const fromFrames = server!.eventsOf('transactionStage', uuid).length + server!.eventsOf('transactionMessage', uuid).length;
    expect(fromFrames).toBeGreaterThan(0);
    expect(event.count).toBeGreaterThanOrEqual(fromFrames);
    expect(journaledEvent.count).toBe(1);
    // Hello and VersionInformation are answered from frames too.
    expect(answer.count).toBeGreaterThanOrEqual(1);
    for (const reading of [answer, event, journaledEvent]) {
      expect(reading.buckets.reduce((sum, n) => sum + n, 0)).toBe(reading.count);
      expect(reading.p50Ms).not.toBeNull();
      expect(reading.p99Ms!).toBeGreaterThanOrEqual(reading.p50Ms!);
      expect(reading.maxMs!).toBeGreaterThan(0);
    }
    const html = await (await fetch(`http://127.0.0.1:${box!.httpAddress!.port}/status`, { headers: { accept: 'text/html' } })).text();
    expect(html).toMatch(/answers: p50 ≤ [\d.]+ ms, p99 ≤ [\d.]+ ms/);
  });

  it('passes on the text the terminal shows (pin-then-approve: wrong PIN)', async () => {
    await setup();
    await terminal('70000003', 'pin-then-approve');
    const uuid = start('70000003');
    await finalOf(uuid);
    expect(server!.eventsOf('transactionMessage', uuid).length).toBeGreaterThan(0);
    expect(server!.eventsOf('transactionStage', uuid).filter((e) => e.stage === 'WaitingForPin')).toHaveLength(2);
  });

  it('amount-rule picks the outcome by the cents of the amount', async () => {
    await setup();
    await terminal('70000004', 'amount-rule');
    const declined = start('70000004', 1201);
    expect(await finalOf(declined)).toMatchObject({ result: 'Declined' });
    const approved = start('70000004', 1200);
    expect(await finalOf(approved)).toMatchObject({ result: 'Approved' });
  });

  it('disconnect-after-card: the answer is lost, the box asks the terminal and reports the true result as recovered', async () => {
    await setup();
    const t = await terminal('70000005', 'disconnect-after-card');
    const uuid = start('70000005');
    const final = await finalOf(uuid);
    expect(final).toMatchObject({ kind: 'transactionResult', result: 'Approved', recovered: true });
    expect(kindsOf(uuid)).toContain('transactionUnknown');
    expect(server!.eventsOf('transactionResult', uuid)).toHaveLength(1);
    expect(t.ledger).toHaveLength(1);
    expect(t.ledger[0]!.reportedToBox).toBe(false);
  });

  it('no-answer: after the transaction timeout the payment is unknown, never guessed', async () => {
    await setup({ transactionTimeoutMs: 300 });
    await terminal('70000006', 'no-answer');
    const uuid = start('70000006');
    await waitFor(() => server!.eventsOf('transactionUnknown', uuid)[0], 'the unknown event');
    expect(server!.eventsOf('transactionResult', uuid)).toHaveLength(0);
    expect(server!.eventsOf('transactionNotRun', uuid)).toHaveLength(0);
    expect(box!.status().terminals[0]).toMatchObject({ state: 'unknown', transaction: { paymentUuid: uuid, status: 'unknown' } });
  });

  it('no-answer: a cancel reaches the silent terminal and its final answer settles the unknown payment', async () => {
    await setup({ transactionTimeoutMs: 300 });
    await terminal('70000007', 'no-answer', { manualKeys: true });
    const uuid = start('70000007');
    await waitFor(() => server!.eventsOf('transactionUnknown', uuid)[0], 'the unknown event');
    server!.command({ kind: 'cancelTransaction', paymentUuid: uuid, terminalId: '70000007' });
    expect(await waitFor(() => server!.eventsOf('cancelAnswer', uuid)[0], 'the cancel answer')).toMatchObject({ accepted: true });
    expect(await finalOf(uuid)).toMatchObject({ kind: 'transactionResult', result: 'Stopped', recovered: false });
    expect(box!.status().terminals[0]?.state).toBe('idle');
  });
});

describe('isolation with emulated terminals', () => {
  it('garbage and split terminals run beside a healthy one that never notices', async () => {
    await setup();
    const healthy = await terminal('73000001', 'approve');
    let healthyDrops = 0;
    healthy.events.on('disconnected', () => healthyDrops++);
    await terminal('73000002', 'garbage');
    await terminal('73000003', 'split');
    const uuids = ['73000001', '73000002', '73000003'].map((id) => start(id));
    const finals = await Promise.all(uuids.map((uuid) => finalOf(uuid)));
    expect(finals.map((f) => (f.kind === 'transactionResult' ? f.result : f.kind))).toEqual(['Approved', 'Approved', 'Approved']);
    await waitFor(() => box!.registry.get('73000002')?.lastCloseReason === 'FRAME_ERROR', 'the garbage terminal dropped for its random bytes');
    expect(healthyDrops).toBe(0);
    expect(box!.registry.get('73000001')?.online).toBe(true);
    expect(box!.registry.get('73000001')?.lastCloseReason).toBeNull();
  });
});

describe('commands', () => {
  it('refuses a second transaction on a busy terminal and sends the terminal nothing', async () => {
    await setup();
    const t = await terminal('71000001', 'approve', { manualKeys: true });
    const started: unknown[] = [];
    t.events.on('transaction-started', (e) => started.push(e));
    const first = start('71000001');
    await waitFor(() => server!.eventsOf('transactionSent', first)[0], 'the first transaction sent');
    const second = start('71000001');
    const refusal = await waitFor(() => server!.eventsOf('commandRefused', second)[0], 'the refusal');
    expect(refusal).toMatchObject({ code: 'TERMINAL_BUSY', commandKind: 'startTransaction' });
    expect(started).toHaveLength(1);
    expect(box!.status().terminals[0]).toMatchObject({ state: 'inTransaction', transaction: { paymentUuid: first, status: 'sent' } });
  });

  it('never sends a second TransactionRequest for a repeated UUID, and answers with the state of the first', async () => {
    await setup();
    const t = await terminal('71000002', 'approve', { manualKeys: true });
    let requests = 0;
    t.events.on('frame-in', (m: { type: string }) => {
      if (m.type === 'TransactionRequest') requests++;
    });
    const uuid = start('71000002');
    await waitFor(() => server!.eventsOf('transactionSent', uuid)[0], 'transactionSent');
    start('71000002', 1234, uuid);
    await waitFor(() => server!.eventsOf('transactionSent', uuid).length === 2, 'the repeated transactionSent');
    await pressUntil(t, 'card', () => server!.eventsOf('transactionStage', uuid).some((e) => e.stage === 'WaitingForPin'));
    await pressUntil(t, 'pin-ok', () => t.ledger.length > 0);
    await finalOf(uuid);
    start('71000002', 1234, uuid);
    await waitFor(() => server!.eventsOf('transactionResult', uuid).length === 2, 'the repeated result');
    const [a, b] = server!.eventsOf('transactionResult', uuid);
    expect(b).toEqual(a);
    expect(requests).toBe(1);
    expect(t.ledger).toHaveLength(1);
  });

  it('refuses a repeated UUID with another amount as a payment mismatch', async () => {
    await setup();
    await terminal('71000003', 'approve');
    const uuid = start('71000003', 100);
    await finalOf(uuid);
    start('71000003', 200, uuid);
    expect(await waitFor(() => server!.eventsOf('commandRefused', uuid)[0], 'refusal')).toMatchObject({ code: 'PAYMENT_MISMATCH' });
  });

  it('refuses unknown and offline terminals', async () => {
    await setup();
    const t = await terminal('71000004', 'approve');
    const unknown = start('NOPE0001');
    expect(await waitFor(() => server!.eventsOf('commandRefused', unknown)[0], 'refusal')).toMatchObject({ code: 'TERMINAL_UNKNOWN' });
    await t.close();
    await waitFor(() => box!.registry.get('71000004')?.online === false, 'offline');
    const offline = start('71000004');
    expect(await waitFor(() => server!.eventsOf('commandRefused', offline)[0], 'refusal')).toMatchObject({ code: 'TERMINAL_OFFLINE' });
  });

  it('cancel: sends CancelRequest, reports the answer, and the terminal result decides', async () => {
    await setup();
    await terminal('71000005', 'approve', { manualKeys: true });
    const uuid = start('71000005');
    await waitFor(() => server!.eventsOf('transactionStage', uuid).find((e) => e.stage === 'WaitingForCard'), 'waiting for card');
    server!.command({ kind: 'cancelTransaction', paymentUuid: uuid, terminalId: '71000005' });
    expect(await waitFor(() => server!.eventsOf('cancelAnswer', uuid)[0], 'the cancel answer')).toMatchObject({ accepted: true, resultCode: 0 });
    expect(await finalOf(uuid)).toMatchObject({ kind: 'transactionResult', result: 'Stopped' });
  });

  it('acknowledges each command once it is journaled, and ignores a command id it has seen', async () => {
    await setup();
    const t = await terminal('71000006', 'approve');
    const uuid = randomUUID();
    const command = { kind: 'startTransaction' as const, paymentUuid: uuid, terminalId: '71000006', amountCents: 500 };
    server!.command(command, 42);
    server!.command(command, 42);
    await finalOf(uuid);
    await waitFor(() => server!.commandsReceived.has(42), 'commandReceived');
    expect(server!.eventsOf('transactionSent', uuid)).toHaveLength(1);
    expect(t.ledger).toHaveLength(1);
  });
});

describe('sessions with the emulator', () => {
  it('a terminal that reconnects mid-transaction replaces its session; the payment is settled from the terminal, once', async () => {
    await setup();
    const t = await terminal('72000001', 'approve', { manualKeys: true });
    const uuid = start('72000001');
    await waitFor(() => server!.eventsOf('transactionStage', uuid)[0], 'a stage');
    t.disconnect();
    await waitFor(() => server!.eventsOf('transactionUnknown', uuid)[0], 'unknown');
    await waitFor(() => box!.registry.get('72000001')?.online, 'back online');
    await pressUntil(t, 'card', () => t.ledger.length > 0 || server!.eventsOf('transactionNotRun', uuid).length > 0);
    const final = await finalOf(uuid);
    expect(final.kind === 'transactionResult' ? final.result : final.kind).toBe(t.ledger.length > 0 ? t.ledger[0]!.result : 'transactionNotRun');
    expect([...server!.eventsOf('transactionResult', uuid), ...server!.eventsOf('transactionNotRun', uuid)]).toHaveLength(1);
  });

  it('serves 100 terminals at once, each with its own transaction', async () => {
    await setup();
    const fleet = startFleet({ box: `127.0.0.1:${box!.port}`, terminalId: '80000000', count: 100, scenario: 'approve', stageDelayMs: 5 });
    terminals.push(fleet);
    await fleet.ready();
    await waitFor(() => box!.status().terminals.filter((x) => x.online).length === 100, '100 terminals online');
    const uuids = fleet.terminals.map((t) => start(t.terminalId, 100));
    const finals = await waitFor(
      () => {
        const all = uuids.map((uuid) => server!.eventsOf('transactionResult', uuid)[0]);
        return all.every(Boolean) ? all : undefined;
      },
      '100 results',
      60_000,
    );
    expect(finals.every((f) => f!.result === 'Approved')).toBe(true);
    expect(fleet.terminals.every((t) => t.ledger.length === 1)).toBe(true);
    expect(server!.duplicates).toEqual([]);
  }, 90_000);
});
