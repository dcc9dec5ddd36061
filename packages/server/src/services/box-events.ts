import type { BoxEvent, BoxEventMessage, BoxEventOf, BoxHello, DeviceReport, TerminalModel, Ticket } from '@kassa/contract';
import type { PaymentEvent, PaymentState } from '../domain/payment-states.js';
import { nextPaymentState, refusalEvent, resultEvent, stageEvent } from '../domain/payment-states.js';
import type { Box } from '../repos/boxes.js';
import { getBox, setBoxLink } from '../repos/boxes.js';
import type { DeviceView } from '../repos/devices.js';
import { findDeviceOfBox, setBoxDevicesOffline, upsertDevice } from '../repos/devices.js';
import { appendEvent } from '../repos/events.js';
import type { Executor } from '../repos/executor.js';
import type { Payment } from '../repos/payments.js';
import { activePaymentsOfBox } from '../repos/payments.js';
import type { HistoryRow } from '../repos/uplink-batch.js';
import { appendEvents, insertHistory, insertTickets, lockPayments, markBoxEventsSeen, setPaymentStates } from '../repos/uplink-batch.js';
import { recordBoxHello, recordUnmatchedEvent, releaseBoxLink, setDevicesOfflineExcept } from '../repos/uplink-boxes.js';
import { boxView, deviceView } from './boxes.js';
import type { ServiceContext } from './context.js';
import { iso } from './context.js';
import { paymentView } from './payments.js';

/**
 * What the box reports, applied to the database. Each event runs in one transaction together with
 * the record of its id, so a replayed or repeated event is acknowledged and applied once. Payment
 * changes go through the state table; an event the table has no cell for is kept in the history
 * and changes nothing.
 */
export type BoxEventOutcome = 'applied' | 'recorded' | 'duplicate' | 'unmatched';

type PaymentBoxEvent = Exclude<BoxEvent, { kind: 'device' }>;

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
 */
export async function applyBoxEvents(ctx: ServiceContext, boxId: string, messages: readonly BoxEventMessage[]): Promise<BoxEventOutcome[]> {
  return inTransaction(ctx, async (trx) => {
    const outcomes: BoxEventOutcome[] = messages.map(() => 'duplicate');
    const fresh = await markBoxEventsSeen(trx, boxId, [...new Set(messages.map((m) => m.id))]);
    const todo: number[] = [];
    messages.forEach((message, i) => {
      // A copy of an id later in the same batch is a duplicate of the first.
      if (fresh.delete(message.id)) todo.push(i);
    });
    const batch = new PaymentBatch(trx, ctx, boxId);
    const payments = await lockPayments(trx, [...new Set(todo.flatMap((i) => paymentUuidOf(messages[i])))]);
    for (const i of todo) {
      const message = messages[i];
      if (message === undefined) continue;
      const { event } = message;
      if (event.kind === 'device') outcomes[i] = (await applyDeviceReport(trx, ctx, boxId, event.device)) === null ? 'recorded' : 'applied';
      else outcomes[i] = batch.apply(payments.get(event.paymentUuid) ?? null, message.id, message.at, event, payments);
    }
    await batch.write();
    return outcomes;
  });
}

const RETRYABLE = new Set(['40P01', '40001']);
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
      const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
      if (attempt >= ATTEMPTS || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
    }
  }
}

function paymentUuidOf(message: BoxEventMessage | undefined): string[] {
  return message === undefined || message.event.kind === 'device' ? [] : [message.event.paymentUuid];
}

/**
 * The payment side of a batch: transitions are computed in memory through the state table, in
 * order, then history, tickets, states, live events and unmatched events are written set-wise.
 */
class PaymentBatch {
  readonly #history: HistoryRow[] = [];
  readonly #tickets: { paymentUuid: string; type: string; text: string; at: Date }[] = [];
  readonly #states = new Map<string, { uuid: string; state: PaymentState; at: Date }>();
  readonly #live: { topic: 'payment'; audience: 'cashier'; data: unknown; at: Date }[] = [];
  readonly #unmatched: { eventId: string; kind: string; paymentUuid: string; reason: string; data: unknown }[] = [];
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
    const change = describeChange(event, payment);
    const next = nextPaymentState({ state: payment.state, event: change.event });
    payments.set(payment.uuid, this.record(payment, { ...change, data: { ...change.data, eventId, boxAt } }, { source: 'box', next }));
    return next === null ? 'recorded' : 'applied';
  }

  /** Queues the history entry, tickets, state and live event of one change; returns the payment after it. */
  record(payment: Payment, change: PaymentChange, how: { source: 'box' | 'server'; next: PaymentState | null }): Payment {
    const at = this.#at;
    const toState = how.next ?? payment.state;
    this.#history.push({ paymentUuid: payment.uuid, at, source: how.source, event: change.event, fromState: payment.state, toState, message: change.message, data: change.data });
    if (how.next !== null) for (const ticket of change.tickets) this.#tickets.push({ paymentUuid: payment.uuid, ...ticket, at });
    const updated = how.next === null || how.next === payment.state ? payment : { ...payment, state: how.next, updatedAt: at };
    if (updated !== payment) this.#states.set(payment.uuid, { uuid: payment.uuid, state: toState, at });
    const entry = { at: iso(at), source: how.source, event: change.event, fromState: payment.state, toState, message: change.message };
    this.#live.push({ topic: 'payment', audience: 'cashier', data: { payment: paymentView(updated), entry }, at });
    return updated;
  }

  async write(): Promise<void> {
    const { trx, ctx } = this;
    for (const u of this.#unmatched) await recordUnmatchedEvent(trx, { boxId: this.boxId, at: this.#at, ...u });
    await insertHistory(trx, this.#history);
    await insertTickets(trx, this.#tickets);
    await setPaymentStates(trx, [...this.#states.values()]);
    await appendEvents(trx, ctx.prefix, this.#live);
  }
}

const MODEL_NAMES: Readonly<Record<TerminalModel, string>> = { lane5000: 'Lane/5000', desk5000: 'Desk/5000', move5000: 'Move/5000', unknown: 'unknown' };

/**
 * Stores what the box says about one terminal and announces it. Reports can arrive out of order
 * (a replay after a reconnect), so an older report than the stored one changes nothing; a model the
 * box does not know yet keeps the one already learnt.
 */
export async function applyDeviceReport(trx: Executor, ctx: ServiceContext, boxId: string, report: DeviceReport): Promise<DeviceView | null> {
  const at = new Date(report.lastSeen);
  const known = await findDeviceOfBox(trx, boxId, report.terminalId);
  if (known !== null && known.lastSeenAt !== null && known.lastSeenAt.getTime() > at.getTime()) return null;
  const model = report.model === 'unknown' && known !== null ? known.model : MODEL_NAMES[report.model];
  const device = await upsertDevice(trx, { boxId, terminalId: report.terminalId, type: 'payment', make: 'Ingenico', model, online: report.online, at });
  await publishDevice(trx, ctx, device);
  return device;
}

async function publishDevice(trx: Executor, ctx: ServiceContext, device: DeviceView): Promise<void> {
  await appendEvent(trx, ctx.prefix, { topic: 'device', audience: 'cashier', data: { device: deviceView(device) } });
}

async function publishBox(trx: Executor, ctx: ServiceContext, box: Box | null): Promise<void> {
  if (box !== null) await appendEvent(trx, ctx.prefix, { topic: 'box', audience: 'admin', data: { box: boxView(box) } });
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
  return {
    event: resultEvent(event.result),
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
    for (const report of hello.devices) await applyDeviceReport(trx, ctx, boxId, report);
    for (const device of await setDevicesOfflineExcept(trx, boxId, hello.devices.map((d) => d.terminalId))) await publishDevice(trx, ctx, device);
    const box = await getBox(trx, boxId);
    await publishBox(trx, ctx, box);
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
    for (const device of await setBoxDevicesOffline(trx, boxId)) await publishDevice(trx, ctx, device);
    // A pending line has not reached the terminal as far as the server knows: its command waits.
    const running = (await activePaymentsOfBox(trx, boxId)).filter((p) => p.state !== 'pending');
    const batch = new PaymentBatch(trx, ctx, boxId);
    for (const payment of (await lockPayments(trx, running.map((p) => p.uuid))).values()) {
      const change: PaymentChange = { event: 'lost', message: 'The link to the box dropped; waiting for the box to report.', data: {}, tickets: [] };
      batch.record(payment, change, { source: 'server', next: nextPaymentState({ state: payment.state, event: 'lost' }) });
    }
    await batch.write();
    await publishBox(trx, ctx, await getBox(trx, boxId));
    return true;
  });
}
