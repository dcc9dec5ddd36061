import type { BoxEventMessage } from '@kassa/contract';
import { isTerminalBoxEvent } from '@kassa/contract';
import type { Executor } from '../../repos/executor.js';
import type { Payment } from '../../repos/payments.js';
import { lockBatch, readBatch } from '../../repos/uplink-batch.js';
import type { ServiceContext } from '../context.js';
import type { KnownPayments } from '../known-payments.js';
import { PaymentBatch } from './batch.js';
import { applyDeviceReports, DEVICE_LAST_SEEN_PRECISION_MS } from './device-reports.js';
import type { BoxEventOutcome, OutcomesByIndex } from './outcome.js';
import { historyConflict, inTransaction } from './retry.js';
import { applyTerminalConflicts } from './terminal-conflicts.js';

/**
 * What the box reports, applied to the database. Each event runs in one transaction together with
 * the record of its id, so a replayed or repeated event is acknowledged and applied once. Payment
 * changes go through the state table; an event the table has no cell for is kept in the history
 * and changes nothing.
 */
export async function applyBoxEvent(ctx: ServiceContext, boxId: string, message: BoxEventMessage): Promise<BoxEventOutcome> {
  const [outcome] = await applyBoxEvents(ctx, boxId, [message]);
  return outcome ?? 'duplicate';
}

/**
 * Applies events in arrival order in one transaction, each with the record of its id: the outcome
 * is that of one transaction per event, with one commit and a few statements for the whole batch.
 * A box under load sends events faster than separate commits allow (every commit that NOTIFYs is
 * serialised by PostgreSQL). If anything fails, nothing of the batch is applied (of its part, when
 * it mixes terminal and payment events: see applySplit).
 *
 * The record of a payment event is its history entry; of an event that names no payment of the
 * box, its unmatched row; of a terminal event (device, terminalConflict), a box_events_seen row.
 *
 * A batch of payment events alone (the usual one) is first tried in two statements, each a
 * transaction of its own: a read without locks, and a write that locks the payments and writes
 * only if none changed since the read. Otherwise (an unmatched event, a payment changed meanwhile,
 * or an entry written meanwhile by another process) it runs in a transaction that locks the
 * payments before reading them, as terminal events always do.
 */
export async function applyBoxEvents(
  ctx: ServiceContext,
  boxId: string,
  messages: readonly BoxEventMessage[],
  known?: KnownPayments,
): Promise<BoxEventOutcome[]> {
  const ofTerminal = messages.map((m) => isTerminalBoxEvent(m.event));
  if (ofTerminal.includes(true) && ofTerminal.includes(false)) return applySplit(ctx, boxId, messages, ofTerminal, known);
  const uuids = [...new Set(messages.flatMap(paymentUuidOf))];
  if (!ofTerminal.includes(true)) {
    const outcomes = await applyUnlocked(ctx, boxId, messages, uuids, known);
    if (outcomes !== null) return outcomes;
  }
  known?.forget(uuids);
  return inTransaction(ctx, (trx) => applyLocked(trx, ctx, boxId, messages, uuids));
}

/**
 * A batch that mixes terminal and payment events, applied as two: the payment events first, the
 * quick way when they can, then the terminal events, which always take the locking way. Mixed,
 * every terminal's periodic report would send the payment events beside it the slow way too. An
 * event id is of one kind, so each part dedupes its own; if the second part fails, the caller
 * applies the events again one by one and the first part's are found applied.
 */
async function applySplit(
  ctx: ServiceContext,
  boxId: string,
  messages: readonly BoxEventMessage[],
  ofTerminal: readonly boolean[],
  known?: KnownPayments,
): Promise<BoxEventOutcome[]> {
  const ofPayments = await applyBoxEvents(
    ctx,
    boxId,
    messages.filter((_, i) => !ofTerminal[i]),
    known,
  );
  const ofTerminals = await applyBoxEvents(
    ctx,
    boxId,
    messages.filter((_, i) => ofTerminal[i]),
    known,
  );
  let payment = 0;
  let terminal = 0;
  return ofTerminal.map((isTerminal) => (isTerminal ? ofTerminals[terminal++] : ofPayments[payment++]) ?? 'duplicate');
}

/**
 * A batch of payment events read without locks and written if its payments are unchanged; null
 * when it was not. Only the payments that `known` does not hold are read: the events of the others
 * are taken as new (one already applied trips the history's unique index, and the batch goes the
 * locking way).
 */
async function applyUnlocked(
  ctx: ServiceContext,
  boxId: string,
  messages: readonly BoxEventMessage[],
  uuids: readonly string[],
  known?: KnownPayments,
): Promise<BoxEventOutcome[] | null> {
  const { payments, versions, posIds, unknown } = known?.recall(uuids) ?? {
    payments: new Map<string, Payment>(),
    versions: new Map<string, string>(),
    posIds: new Map<string, number>(),
    unknown: uuids,
  };
  let applied = new Set<string>();
  if (unknown.length > 0) {
    const ofUnknown = new Set(unknown);
    const read = await readBatch(ctx.db, unknown, [...new Set(messages.filter((m) => paymentUuidOf(m).some((u) => ofUnknown.has(u))).map((m) => m.id))]);
    ({ applied } = read);
    for (const [uuid, payment] of read.payments) payments.set(uuid, payment);
    for (const [uuid, version] of read.versions) versions.set(uuid, version);
    for (const [uuid, posId] of read.posIds) posIds.set(uuid, posId);
  }
  const batch = new PaymentBatch(ctx.db, ctx, boxId, payments, posIds);
  const outcomes = inOrder(
    messages,
    applyPaymentEvents(
      batch,
      messages,
      firstCopies(messages, (m) => !applied.has(m.id)),
    ),
  );
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
    const payment = batch.payment(uuid);
    const version = written.get(uuid) ?? versions.get(uuid);
    if (payment !== undefined && version !== undefined) known?.remember(payment, version, posIds.get(uuid) ?? null);
  }
  return outcomes;
}

/** The batch in a transaction that locks its payments (and records its terminal events' ids) before reading them. */
async function applyLocked(
  trx: Executor,
  ctx: ServiceContext,
  boxId: string,
  messages: readonly BoxEventMessage[],
  uuids: readonly string[],
): Promise<BoxEventOutcome[]> {
  const ids = { device: new Set<string>(), payment: new Set<string>() };
  for (const m of messages) (isTerminalBoxEvent(m.event) ? ids.device : ids.payment).add(m.id);
  const { fresh, applied, payments, posIds } = await lockBatch(trx, boxId, { device: [...ids.device], payment: [...ids.payment] }, uuids);
  const todo = firstCopies(messages, (m) => (isTerminalBoxEvent(m.event) ? fresh.has(m.id) : !applied.has(m.id)));
  const batch = new PaymentBatch(trx, ctx, boxId, payments, posIds);
  const reports = todo.flatMap((i) => {
    const event = messages[i]?.event;
    return event?.kind === 'device' ? [{ index: i, report: event.device }] : [];
  });
  const ofReports = await applyDeviceReports(trx, batch, boxId, reports, DEVICE_LAST_SEEN_PRECISION_MS);
  const conflicts = todo.flatMap((i) => {
    const message = messages[i];
    return message?.event.kind === 'terminalConflict' ? [{ index: i, at: message.at, conflict: message.event }] : [];
  });
  const ofConflicts = await applyTerminalConflicts(trx, batch, boxId, conflicts);
  const ofPayments = applyPaymentEvents(batch, messages, todo);
  const recordedBefore = await batch.write();
  // An unmatched event whose row was there already was taken before: a duplicate.
  return inOrder(messages, new Map([...ofReports, ...ofConflicts, ...ofPayments])).map((outcome, i) =>
    outcome === 'unmatched' && recordedBefore.has(messages[i]?.id ?? '') ? 'duplicate' : outcome,
  );
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

/** Applies the payment events among `todo`, in order; returns their outcomes by position. */
function applyPaymentEvents(batch: PaymentBatch, messages: readonly BoxEventMessage[], todo: readonly number[]): OutcomesByIndex {
  const outcomes = new Map<number, BoxEventOutcome>();
  for (const i of todo) {
    const message = messages[i];
    if (message === undefined || isTerminalBoxEvent(message.event)) continue;
    outcomes.set(i, batch.apply({ eventId: message.id, boxAt: message.at, event: message.event }));
  }
  return outcomes;
}

/** The outcome of every event in the batch, in order: an event no step took was applied before. */
function inOrder(messages: readonly BoxEventMessage[], outcomes: OutcomesByIndex): BoxEventOutcome[] {
  return messages.map((_, i) => outcomes.get(i) ?? 'duplicate');
}

function paymentUuidOf(message: BoxEventMessage | undefined): string[] {
  return message === undefined || isTerminalBoxEvent(message.event) ? [] : [message.event.paymentUuid];
}
