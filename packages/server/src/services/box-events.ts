import type { BoxEventMessage, BoxEventOf, BoxHello, DeviceReport, PaymentBoxEvent, TerminalModel, Ticket } from '@kassa/contract';
import { isTerminalBoxEvent } from '@kassa/contract';
import type { PaymentEvent, PaymentState } from '../domain/payment-states.js';
import { FINAL_STATES, nextPaymentState, refusalEvent, resultEvent, stageEvent } from '../domain/payment-states.js';
import { approvedOtherAmount, distrust } from '../domain/box-trust.js';
import { newestReportPerTerminal } from '../domain/devices.js';
import { getBox, setBoxLink } from '../repos/boxes.js';
import { devicesWithTerminalIds, setBoxDevicesOffline, upsertDeviceReports } from '../repos/devices.js';
import type { Audience, EventTopic } from '../repos/events.js';
import type { Executor } from '../repos/executor.js';
import type { Payment } from '../repos/payments.js';
import { activePaymentsOfBox } from '../repos/payments.js';
import type { HistoryRow } from '../repos/uplink-batch.js';
import { HISTORY_EVENT_INDEX, lockBatch, lockPayments, readBatch, writeBatch } from '../repos/uplink-batch.js';
import { recordBoxHello, recordUnmatchedEvents, releaseBoxLink, setDevicesOfflineExcept } from '../repos/uplink-boxes.js';
import { boxView, deviceView } from './boxes.js';
import type { ServiceContext } from './context.js';
import { iso, noteFinished } from './context.js';
import type { KnownPayments } from './known-payments.js';
import { paymentView } from './payments.js';
import { applyTerminalConflicts } from './terminal-conflicts.js';

/**
 * What the box reports, applied to the database. Each event runs in one transaction together with
 * the record of its id, so a replayed or repeated event is acknowledged and applied once. Payment
 * changes go through the state table; an event the table has no cell for is kept in the history
 * and changes nothing.
 *
 * Outcomes: 'applied' changed what the server keeps (a payment's state, a device row); 'recorded'
 * was taken and changed nothing (a history-only payment event; a device report that is older than
 * the stored one, outdone by a newer one in the same batch, or new only in its last-seen time);
 * 'duplicate' was applied before; 'unmatched' names no payment of the box.
 */
export type BoxEventOutcome = 'applied' | 'recorded' | 'duplicate' | 'unmatched';

/**
 * The server keeps a device's last-seen time to this precision: a report that changes nothing else
 * writes nothing (no row, no live event) unless the stored last-seen is older than this. The box
 * reports every terminal state change, twice per payment, and the server keeps no such state.
 */
export const DEVICE_LAST_SEEN_PRECISION_MS = 60_000;

/** One box event as the payment history keeps it. */
interface PaymentChange {
  readonly event: PaymentEvent;
  readonly message: string | null;
  readonly data: Record<string, unknown>;
  readonly tickets: readonly { type: string; text: string }[];
}

export async function applyBoxEvent(ctx: ServiceContext, boxId: string, message: BoxEventMessage): Promise<BoxEventOutcome> {
  const [outcome] = await applyBoxEvents(ctx, boxId, [message]);
  return outcome ?? 'duplicate';
}

/**
 * Applies events in arrival order in one transaction, each with the record of its id: the outcome
 * is that of one transaction per event, with one commit and a few statements for the whole batch.
 * A box under load sends events faster than separate commits allow (every commit that NOTIFYs is
 * serialised by PostgreSQL). If anything fails, nothing of the batch is applied.
 *
 * The record of a payment event is its history entry; of an event that names no payment of the
 * box, its unmatched row; of a terminal event (device, terminalConflict), a box_events_seen row.
 *
 * A batch of payment events alone (the usual one) is first tried in two statements, each a
 * transaction of its own: a read without locks, and a write that locks the payments and writes
 * only if none changed since the read. Otherwise (a device event or an unmatched one, a payment
 * changed meanwhile, or an entry written meanwhile by another process) it runs in a transaction
 * that locks the payments before reading them.
 */
export async function applyBoxEvents(ctx: ServiceContext, boxId: string, messages: readonly BoxEventMessage[], known?: KnownPayments): Promise<BoxEventOutcome[]> {
  const uuids = [...new Set(messages.flatMap(paymentUuidOf))];
  if (messages.every((m) => !isTerminalBoxEvent(m.event))) {
    const outcomes = await applyUnlocked(ctx, boxId, messages, uuids, known);
    if (outcomes !== null) return outcomes;
  }
  known?.forget(uuids);
  return inTransaction(ctx, async (trx) => {
    const outcomes: BoxEventOutcome[] = messages.map(() => 'duplicate');
    const ids = { device: new Set<string>(), payment: new Set<string>() };
    for (const m of messages) (isTerminalBoxEvent(m.event) ? ids.device : ids.payment).add(m.id);
    const { fresh, applied, payments } = await lockBatch(trx, boxId, { device: [...ids.device], payment: [...ids.payment] }, uuids);
    const todo = firstCopies(messages, (m) => (isTerminalBoxEvent(m.event) ? fresh.has(m.id) : !applied.has(m.id)));
    const batch = new PaymentBatch(trx, ctx, boxId);
    const reports = todo.flatMap((i) => {
      const event = messages[i]?.event;
      return event?.kind === 'device' ? [{ index: i, report: event.device }] : [];
    });
    for (const [i, outcome] of await applyDeviceReports(trx, batch, boxId, reports, DEVICE_LAST_SEEN_PRECISION_MS)) outcomes[i] = outcome;
    const conflicts = todo.flatMap((i) => {
      const message = messages[i];
      return message?.event.kind === 'terminalConflict' ? [{ index: i, at: message.at, conflict: message.event }] : [];
    });
    for (const [i, outcome] of await applyTerminalConflicts(trx, batch, boxId, conflicts)) outcomes[i] = outcome;
    applyPaymentEvents(batch, messages, todo, payments, outcomes);
    const recordedBefore = await batch.write();
    messages.forEach((message, i) => {
      if (outcomes[i] === 'unmatched' && recordedBefore.has(message.id)) outcomes[i] = 'duplicate';
    });
    return outcomes;
  });
}

/**
 * A batch of payment events read without locks and written if its payments are unchanged; null
 * when it was not. Only the payments that `known` does not hold are read: the events of the others
 * are taken as new (one already applied trips the history's unique index, and the batch goes the
 * locking way).
 */
async function applyUnlocked(ctx: ServiceContext, boxId: string, messages: readonly BoxEventMessage[], uuids: readonly string[], known?: KnownPayments): Promise<BoxEventOutcome[] | null> {
  const outcomes: BoxEventOutcome[] = messages.map(() => 'duplicate');
  const { payments, versions, unknown } = known?.recall(uuids) ?? { payments: new Map<string, Payment>(), versions: new Map<string, string>(), unknown: uuids };
  let applied = new Set<string>();
  if (unknown.length > 0) {
    const ofUnknown = new Set(unknown);
    const read = await readBatch(ctx.db, unknown, [...new Set(messages.filter((m) => paymentUuidOf(m).some((u) => ofUnknown.has(u))).map((m) => m.id))]);
    ({ applied } = read);
    for (const [uuid, payment] of read.payments) payments.set(uuid, payment);
    for (const [uuid, version] of read.versions) versions.set(uuid, version);
  }
  const batch = new PaymentBatch(ctx.db, ctx, boxId);
  applyPaymentEvents(batch, messages, firstCopies(messages, (m) => !applied.has(m.id)), payments, outcomes);
  // Unmatched events are kept by the locking path, which also tells a repeated one.
  if (outcomes.includes('unmatched')) return null;
  let written: ReadonlyMap<string, string> | null;
  try {
    written = await batch.writeIfUnchanged(versions);
  } catch (error) {
    if (historyConflict(error)) return null;
    throw error;
  }
  if (written === null) return null;
  for (const uuid of uuids) {
    const payment = payments.get(uuid);
    const version = written.get(uuid) ?? versions.get(uuid);
    if (payment !== undefined && version !== undefined) known?.remember(payment, version);
  }
  return outcomes;
}

/** Indexes of the events to apply: the first copy of each id, if `fresh` says it was not applied before. */
function firstCopies(messages: readonly BoxEventMessage[], fresh: (message: BoxEventMessage) => boolean): number[] {
  const taken = new Set<string>();
  const todo: number[] = [];
  messages.forEach((message, i) => {
    // A copy of an id later in the same batch is a duplicate of the first.
    if (taken.has(message.id)) return;
    taken.add(message.id);
    if (fresh(message)) todo.push(i);
  });
  return todo;
}

function applyPaymentEvents(batch: PaymentBatch, messages: readonly BoxEventMessage[], todo: readonly number[], payments: Map<string, Payment>, outcomes: BoxEventOutcome[]): void {
  for (const i of todo) {
    const message = messages[i];
    if (message === undefined || isTerminalBoxEvent(message.event)) continue;
    const { event } = message;
    outcomes[i] = batch.apply(payments.get(event.paymentUuid) ?? null, message.id, message.at, event, payments);
  }
}

const RETRYABLE = new Set(['40P01', '40001']);
const UNIQUE_VIOLATION = '23505';
const ATTEMPTS = 3;

/**
 * A transaction that is run again when PostgreSQL gave it up to break a deadlock (a box's device
 * rows are written by its events and, all at once, by its hello and its link's end).
 */
async function inTransaction<T>(ctx: ServiceContext, work: (trx: Executor) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.db.transaction().execute(work);
    } catch (error) {
      if (attempt >= ATTEMPTS || !retryable(error)) throw error;
    }
  }
}

/**
 * A deadlock given up, or an event applied by another process while this one waited for the
 * payment's lock (see lockBatch): run again, the transaction sees it as applied.
 */
function retryable(error: unknown): boolean {
  if (historyConflict(error)) return true;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && RETRYABLE.has(code);
}

/** The entry of an event that another process wrote after this one read the history. */
function historyConflict(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  return code === UNIQUE_VIOLATION && constraint === HISTORY_EVENT_INDEX;
}

function paymentUuidOf(message: BoxEventMessage | undefined): string[] {
  return message === undefined || isTerminalBoxEvent(message.event) ? [] : [message.event.paymentUuid];
}

/**
 * The payment side of a batch: transitions are computed in memory through the state table, in
 * order, then history, tickets, states, live events and unmatched events are written set-wise.
 */
class PaymentBatch {
  readonly #history: HistoryRow[] = [];
  readonly #tickets: { paymentUuid: string; type: string; text: string; at: Date }[] = [];
  readonly #states = new Map<string, { uuid: string; state: PaymentState; transactionId: string | null; at: Date }>();
  readonly #live: { topic: EventTopic; audience: Audience; data: unknown; at: Date }[] = [];
  /** Where each payment's live event sits in #live: a batch announces a payment once, as it leaves it. */
  readonly #liveOf = new Map<string, number>();
  readonly #unmatched: { eventId: string; kind: string; paymentUuid: string; reason: string; data: unknown }[] = [];
  /** Payments this batch brings to a final state, told to the metrics once it is written. */
  readonly #finishing: { payment: Payment; next: PaymentState }[] = [];
  readonly #at: Date;

  constructor(
    readonly trx: Executor,
    readonly ctx: ServiceContext,
    readonly boxId: string,
  ) {
    this.#at = ctx.now();
  }

  apply(payment: Payment | null, eventId: string, boxAt: string, event: PaymentBoxEvent, payments: Map<string, Payment>): BoxEventOutcome {
    if (payment === null || payment.boxId !== this.boxId) {
      const reason = payment === null ? 'no such payment' : 'the payment belongs to another box';
      this.#unmatched.push({ eventId, kind: event.kind, paymentUuid: event.paymentUuid, reason, data: event });
      return 'unmatched';
    }
    const refused = distrust({ payment, claim: claimOf(event) });
    if (refused !== null) {
      // Kept with what the box said, so that a person can see it; the payment does not move.
      const change: PaymentChange = { event: 'untrusted', message: refused.reason, data: { refused: refused.code, eventId, boxAt, event }, tickets: [] };
      payments.set(payment.uuid, this.record(payment, change, { source: 'box', next: null, eventId }));
      return 'recorded';
    }
    const change = describeChange(event, payment);
    const next = nextPaymentState({ state: payment.state, event: change.event });
    // The transaction the box reports sending is the only one whose answers count from now on (a
    // payment the terminal is done with has nothing more to count).
    const learnt = event.kind === 'transactionSent' && payment.transactionId === null && !FINAL_STATES.includes(payment.state) ? event.transactionId : null;
    const updated = this.record(payment, { ...change, data: { ...change.data, eventId, boxAt } }, { source: 'box', next, eventId, transactionId: learnt });
    payments.set(payment.uuid, updated);
    return next === null && learnt === null ? 'recorded' : 'applied';
  }

  /**
   * Queues the history entry, tickets, state and live event of one change; returns the payment after
   * it. The live event takes the place of one queued earlier for the same payment: it carries the
   * payment as the batch leaves it and the newest entry (every entry is in the payment's history).
   */
  record(payment: Payment, change: PaymentChange, how: { source: 'box' | 'server'; next: PaymentState | null; eventId?: string; transactionId?: string | null }): Payment {
    const at = this.#at;
    const toState = how.next ?? payment.state;
    this.#history.push({ paymentUuid: payment.uuid, at, source: how.source, event: change.event, fromState: payment.state, toState, message: change.message, data: change.data, eventId: how.eventId ?? null });
    if (how.next !== null) for (const ticket of change.tickets) this.#tickets.push({ paymentUuid: payment.uuid, ...ticket, at });
    const transactionId = how.transactionId ?? null;
    const moved = how.next !== null && how.next !== payment.state;
    const updated = !moved && transactionId === null ? payment : { ...payment, state: toState, updatedAt: at, transactionId: transactionId ?? payment.transactionId };
    if (updated !== payment) this.#states.set(payment.uuid, { uuid: payment.uuid, state: toState, transactionId: updated.transactionId, at });
    if (how.next !== null) this.#finishing.push({ payment, next: how.next });
    const entry = { at: iso(at), source: how.source, event: change.event, fromState: payment.state, toState, message: change.message };
    const live = { topic: 'payment' as const, audience: 'cashier' as const, data: { payment: paymentView(updated), entry }, at };
    const index = this.#liveOf.get(payment.uuid);
    if (index === undefined) this.#liveOf.set(payment.uuid, this.#live.push(live) - 1);
    else this.#live[index] = live;
    return updated;
  }

  /** Queues a live event about something else than a payment (a device, the box), in order with the rest. */
  announce(topic: EventTopic, audience: Audience, data: unknown): void {
    this.#live.push({ topic, audience, data, at: this.#at });
  }

  /**
   * Writes what was queued if the payments still have these row versions; returns the new version
   * of each payment whose state it wrote, or null when one had moved on (nothing is written).
   */
  async writeIfUnchanged(versions: ReadonlyMap<string, string>): Promise<ReadonlyMap<string, string> | null> {
    // Every payment the batch applied an event to has an entry in it; '0' is no row's version.
    const unchanged = new Map(this.#history.map((h) => [h.paymentUuid, versions.get(h.paymentUuid) ?? '0']));
    const written = await writeBatch(this.trx, { history: this.#history, tickets: this.#tickets, states: [...this.#states.values()], events: this.#live, unchanged });
    if (written !== null) this.#noteFinished();
    return written?.versions ?? null;
  }

  /** Writes what was queued; returns the ids of unmatched events that were recorded before. */
  async write(): Promise<Set<string>> {
    const { trx } = this;
    const fresh = await recordUnmatchedEvents(trx, this.boxId, this.#at, this.#unmatched);
    const recordedBefore = new Set(this.#unmatched.map((u) => u.eventId).filter((id) => !fresh.has(id)));
    await writeBatch(trx, { history: this.#history, tickets: this.#tickets, states: [...this.#states.values()], events: this.#live });
    this.#noteFinished();
    return recordedBefore;
  }

  #noteFinished(): void {
    for (const { payment, next } of this.#finishing) noteFinished(this.ctx, payment, next, this.#at);
  }
}

const MODEL_NAMES: Readonly<Record<TerminalModel, string>> = { lane5000: 'Lane/5000', desk5000: 'Desk/5000', move5000: 'Move/5000', unknown: 'unknown' };

/**
 * Stores what the box says about its terminals, set-wise, and queues a `device` live event for
 * each device written. Reports can arrive out of order (a replay after a reconnect), so an older
 * report than the stored one changes nothing; a model the box does not know yet keeps the one
 * already learnt. The serial number and address decide the device's approval (see
 * domain/device-approval.ts). A device that shares its TerminalId with another box's device makes
 * that one change too (it is now in conflict): it is announced as well. Returns the outcome of
 * each report by its position.
 */
async function applyDeviceReports(trx: Executor, batch: PaymentBatch, boxId: string, reports: readonly { index: number; report: DeviceReport }[], quietMs: number | null): Promise<Map<number, BoxEventOutcome>> {
  const outcomes = new Map<number, BoxEventOutcome>(reports.map((r) => [r.index, 'recorded']));
  const kept = newestReportPerTerminal(reports.map((r) => ({ terminalId: r.report.terminalId, lastSeenMs: Date.parse(r.report.lastSeen) }))).flatMap((k) => reports[k] ?? []);
  const rows = kept.map(({ report }) => ({
    terminalId: report.terminalId,
    model: MODEL_NAMES[report.model],
    online: report.online,
    at: new Date(report.lastSeen),
    serialNumber: report.serialNumber,
    address: report.address,
  }));
  const written = new Map((await upsertDeviceReports(trx, boxId, rows, { quietMs })).map((d) => [d.terminalId, d]));
  for (const { index, report } of kept) {
    const device = written.get(report.terminalId);
    if (device === undefined) continue;
    outcomes.set(index, 'applied');
    batch.announce('device', 'cashier', { device: deviceView(device) });
  }
  const shared = [...written.values()].filter((d) => d.sharedWith.length > 0);
  if (shared.length > 0) {
    for (const other of await devicesWithTerminalIds(trx, shared.map((d) => d.terminalId), [...written.values()].map((d) => d.id))) batch.announce('device', 'cashier', { device: deviceView(other) });
  }
  return outcomes;
}

/** The table event, history text and data of one box event. */
function describeChange(event: PaymentBoxEvent, payment: Payment): PaymentChange {
  const none: readonly { type: string; text: string }[] = [];
  switch (event.kind) {
    case 'transactionSent':
      return { event: 'accepted', message: null, data: { terminalId: event.terminalId, transactionId: event.transactionId, amountCents: event.amountCents }, tickets: none };
    case 'commandRefused':
      return { event: refusalEvent(event.commandKind), message: `${event.code}: ${event.message}`, data: { commandKind: event.commandKind, code: event.code }, tickets: none };
    case 'transactionStage':
      return { event: stageEvent(event.stage), message: event.stage, data: { stage: event.stage, stageId: event.stageId }, tickets: none };
    case 'transactionMessage':
      return { event: 'message', message: event.text, data: {}, tickets: none };
    case 'cancelAnswer':
      return {
        event: event.accepted ? 'cancelAccepted' : 'cancelRefused',
        message: event.accepted ? 'The terminal accepted the cancel.' : 'The terminal refused the cancel.',
        data: { accepted: event.accepted, resultCode: event.resultCode },
        tickets: none,
      };
    case 'transactionResult':
      return describeResult(event, payment);
    case 'transactionUnknown':
      return { event: 'lost', message: event.reason, data: {}, tickets: none };
    case 'transactionNotRun':
      return { event: 'notRun', message: event.reason, data: {}, tickets: none };
  }
}

function describeResult(event: BoxEventOf<'transactionResult'>, payment: Payment): PaymentChange {
  const parts = [event.recovered ? `${event.result} (recovered from the terminal)` : event.result];
  // The terminal's amount is what was charged; a difference is shown, never corrected by guess.
  if (event.amountCents !== null && event.amountCents !== payment.amountCents) parts.push(`terminal amount ${event.amountCents} cents, requested ${payment.amountCents}`);
  const kind = resultEvent(event.result);
  // An approval of another amount paid that amount, not the one requested: a person settles it.
  const otherAmount = kind === 'approved' && approvedOtherAmount({ requestedCents: payment.amountCents, approvedCents: event.amountCents });
  return {
    event: otherAmount ? 'approvedOtherAmount' : kind,
    message: parts.join('; '),
    data: {
      result: event.result,
      resultId: event.resultId,
      transactionId: event.transactionId,
      amountCents: event.amountCents,
      authorisationCode: event.authorisationCode,
      cardBrand: event.cardBrand,
      recovered: event.recovered,
      tickets: event.tickets.length,
    },
    tickets: event.tickets.map(ticketRecord),
  };
}

/** The terminal, transaction and amount a payment event names, for the trust check. */
function claimOf(event: PaymentBoxEvent): { kind: string; terminalId: string; transactionId?: string; sentAmountCents?: number } {
  if (event.kind === 'transactionSent') return { kind: event.kind, terminalId: event.terminalId, transactionId: event.transactionId, sentAmountCents: event.amountCents };
  if ('transactionId' in event && event.transactionId !== undefined) return { kind: event.kind, terminalId: event.terminalId, transactionId: event.transactionId };
  return { kind: event.kind, terminalId: event.terminalId };
}

/** TicketType 1 is the merchant's copy, 2 the cardholder's (the receipt prints the latter). */
function ticketRecord(ticket: Ticket): { type: string; text: string } {
  const type = ticket.type === 1 ? 'merchant' : ticket.type === 2 ? 'cardholder' : ticket.type === null ? 'unspecified' : `type${ticket.type}`;
  const text = [ticket.header, ticket.text, ticket.footer].filter((part): part is string => part !== null && part !== '').join('\n');
  return { type, text };
}

/**
 * A box said hello on a link this process holds: the box is online here (so commands are routed to
 * this process), its hello is recorded, every device it reports is stored, and the devices it no
 * longer reports go offline. Returns the box's name for the welcome.
 */
export async function boxConnected(ctx: ServiceContext, boxId: string, hello: BoxHello): Promise<{ name: string }> {
  return inTransaction(ctx, async (trx) => {
    const at = ctx.now();
    await setBoxLink(trx, boxId, { online: true, serverId: ctx.serverId, at });
    await recordBoxHello(trx, { boxId, reportedId: hello.boxId, software: hello.software, contractVersion: hello.version, at });
    const batch = new PaymentBatch(trx, ctx, boxId);
    // Every reported device is written (and announced) at a hello, whatever changed.
    await applyDeviceReports(trx, batch, boxId, hello.devices.map((report, index) => ({ index, report })), null);
    for (const device of await setDevicesOfflineExcept(trx, boxId, hello.devices.map((d) => d.terminalId))) batch.announce('device', 'cashier', { device: deviceView(device) });
    const box = await getBox(trx, boxId);
    if (box !== null) batch.announce('box', 'admin', { box: boxView(box) });
    await batch.write();
    return { name: box?.name ?? '' };
  });
}

/**
 * The link of a box ended. If this process still held it, the box and its devices go offline and
 * every payment that was running on it becomes unknown: its answer may be lost until the box
 * returns and replays what it journaled. If the box already reconnected (here or to another
 * process), nothing changes. Returns whether the box went offline.
 */
export async function boxDisconnected(ctx: ServiceContext, boxId: string): Promise<boolean> {
  return inTransaction(ctx, async (trx) => {
    const at = ctx.now();
    if (!(await releaseBoxLink(trx, boxId, ctx.serverId, at))) return false;
    const batch = new PaymentBatch(trx, ctx, boxId);
    for (const device of await setBoxDevicesOffline(trx, boxId)) batch.announce('device', 'cashier', { device: deviceView(device) });
    // A pending line has not reached the terminal as far as the server knows: its command waits.
    const running = (await activePaymentsOfBox(trx, boxId)).filter((p) => p.state !== 'pending');
    for (const payment of (await lockPayments(trx, running.map((p) => p.uuid))).values()) {
      const change: PaymentChange = { event: 'lost', message: 'The link to the box dropped; waiting for the box to report.', data: {}, tickets: [] };
      batch.record(payment, change, { source: 'server', next: nextPaymentState({ state: payment.state, event: 'lost' }) });
    }
    const box = await getBox(trx, boxId);
    if (box !== null) batch.announce('box', 'admin', { box: boxView(box) });
    await batch.write();
    return true;
  });
}
