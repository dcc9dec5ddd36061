import type { BoxEvent, BoxEventMessage, BoxEventOf, BoxHello, DeviceReport, TerminalModel, Ticket } from '@kassa/contract';
import type { PaymentEvent, PaymentState } from '../domain/payment-states.js';
import { nextPaymentState, refusalEvent, resultEvent, stageEvent } from '../domain/payment-states.js';
import type { Box } from '../repos/boxes.js';
import { getBox, setBoxLink } from '../repos/boxes.js';
import { markBoxEventSeen } from '../repos/box-commands.js';
import type { DeviceView } from '../repos/devices.js';
import { findDeviceOfBox, setBoxDevicesOffline, upsertDevice } from '../repos/devices.js';
import { appendEvent } from '../repos/events.js';
import type { Executor } from '../repos/executor.js';
import type { Payment } from '../repos/payments.js';
import { activePaymentsOfBox, addHistory, addTickets, getPayment, setPaymentState } from '../repos/payments.js';
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
  return ctx.db.transaction().execute(async (trx) => {
    if (!(await markBoxEventSeen(trx, boxId, message.id))) return 'duplicate';
    const { event } = message;
    if (event.kind === 'device') return (await applyDeviceReport(trx, ctx, boxId, event.device)) === null ? 'recorded' : 'applied';
    return applyPaymentEvent(trx, ctx, { boxId, eventId: message.id, boxAt: message.at, event });
  });
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

async function applyPaymentEvent(
  trx: Executor,
  ctx: ServiceContext,
  input: { boxId: string; eventId: string; boxAt: string; event: PaymentBoxEvent },
): Promise<BoxEventOutcome> {
  const { boxId, eventId, event } = input;
  const at = ctx.now();
  const payment = await getPayment(trx, event.paymentUuid, { forUpdate: true });
  if (payment === null || payment.boxId !== boxId) {
    const reason = payment === null ? 'no such payment' : 'the payment belongs to another box';
    await recordUnmatchedEvent(trx, { boxId, eventId, at, kind: event.kind, paymentUuid: event.paymentUuid, reason, data: event });
    return 'unmatched';
  }
  const change = describeChange(event, payment);
  const next = nextPaymentState({ state: payment.state, event: change.event });
  await recordChange(trx, ctx, payment, { ...change, data: { ...change.data, eventId, boxAt: input.boxAt } }, { source: 'box', next, at });
  return next === null ? 'recorded' : 'applied';
}

/** History, tickets, state and live event of one change; tickets are kept only from the result that decided. */
async function recordChange(
  trx: Executor,
  ctx: ServiceContext,
  payment: Payment,
  change: PaymentChange,
  how: { source: 'box' | 'server'; next: PaymentState | null; at: Date },
): Promise<void> {
  const { next, at } = how;
  const toState = next ?? payment.state;
  await addHistory(trx, payment.uuid, { at, source: how.source, event: change.event, fromState: payment.state, toState, message: change.message, data: change.data });
  if (next !== null) await addTickets(trx, payment.uuid, change.tickets, at);
  const updated = next === null || next === payment.state ? payment : await setPaymentState(trx, payment.uuid, { state: next, at });
  const entry = { at: iso(at), source: how.source, event: change.event, fromState: payment.state, toState, message: change.message };
  await appendEvent(trx, ctx.prefix, { topic: 'payment', audience: 'cashier', data: { payment: paymentView(updated), entry } });
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
  return ctx.db.transaction().execute(async (trx) => {
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
  return ctx.db.transaction().execute(async (trx) => {
    const at = ctx.now();
    if (!(await releaseBoxLink(trx, boxId, ctx.serverId, at))) return false;
    for (const device of await setBoxDevicesOffline(trx, boxId)) await publishDevice(trx, ctx, device);
    for (const active of await activePaymentsOfBox(trx, boxId)) {
      // A pending line has not reached the terminal as far as the server knows: its command waits.
      if (active.state === 'pending') continue;
      const payment = (await getPayment(trx, active.uuid, { forUpdate: true })) ?? active;
      const change: PaymentChange = { event: 'lost', message: 'The link to the box dropped; waiting for the box to report.', data: {}, tickets: [] };
      await recordChange(trx, ctx, payment, change, { source: 'server', next: nextPaymentState({ state: payment.state, event: 'lost' }), at });
    }
    await publishBox(trx, ctx, await getBox(trx, boxId));
    return true;
  });
}
