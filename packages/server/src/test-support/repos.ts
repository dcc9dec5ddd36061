import { sql } from 'kysely';
import { ACTIVE_STATES, type PaymentState } from '../domain/payment-states.js';
import type { Executor } from '../repos/executor.js';
import type { Payment } from '../repos/payments.js';
import { toPayment } from '../repos/payments.js';
import type { QueuedCommand, UnreadableCommand } from '../repos/box-commands.js';
import { storedCommand } from '../repos/box-commands.js';
import type { BoxHelloRecord } from '../repos/uplink-boxes.js';

/**
 * Row-level reads and writes the tests use to set up or inspect the tables directly; the server
 * itself writes these rows set-wise (payment requests, uplink batches) and never needs these.
 */

/**
 * Inserts a payment unless its uuid exists; returns null when it did. A second running payment on
 * the same device violates a unique index (payments_one_active_per_device) and throws.
 */
export async function insertPayment(
  db: Executor,
  p: {
    uuid: string;
    orderId: string;
    methodId: number;
    amountCents: number;
    state: PaymentState;
    requestHash: string;
    deviceId: number | null;
    boxId: string | null;
    terminalId?: string | null;
    createdBy: number;
  },
): Promise<Payment | null> {
  const row = await db
    .insertInto('payments')
    .values({
      uuid: p.uuid,
      order_id: p.orderId,
      method_id: p.methodId,
      amount_cents: p.amountCents,
      state: p.state,
      request_hash: p.requestHash,
      device_id: p.deviceId,
      box_id: p.boxId,
      terminal_id: p.terminalId ?? null,
      created_by: p.createdBy,
    })
    .onConflict((c) => c.column('uuid').doNothing())
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? null : toPayment(row);
}

export async function countActiveOnDevice(db: Executor, deviceId: number): Promise<number> {
  const row = await db
    .selectFrom('payments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('device_id', '=', deviceId)
    .where('state', 'in', ACTIVE_STATES)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Records event ids of a box; returns those that were new. */
export async function markBoxEventsSeen(db: Executor, boxId: string, eventIds: readonly string[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const { rows } = await sql<{ event_id: string }>`
    insert into box_events_seen (box_id, event_id) select ${boxId}::text, id from unnest(${[...eventIds]}::text[]) as u(id)
    on conflict (box_id, event_id) do nothing
    returning event_id`.execute(db);
  return new Set(rows.map((r) => r.event_id));
}

export async function undeliveredCommands(db: Executor, boxId: string, limit = 100): Promise<(QueuedCommand | UnreadableCommand)[]> {
  const rows = await db
    .selectFrom('box_commands')
    .select(['id', 'box_id', 'kind', 'payload'])
    .where('box_id', '=', boxId)
    .where('delivered_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => storedCommand({ id: r.id, boxId: r.box_id, payload: r.payload }));
}

export async function markCommandsDelivered(db: Executor, ids: readonly number[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('box_commands')
    .set({ delivered_at: at })
    .where(sql<boolean>`id = any(${[...ids]}::bigint[])`)
    .execute();
}

export async function getBoxHello(db: Executor, boxId: string): Promise<BoxHelloRecord | null> {
  const row = await db.selectFrom('box_hellos').selectAll().where('box_id', '=', boxId).executeTakeFirst();
  return row === undefined
    ? null
    : { boxId: row.box_id, reportedId: row.reported_id, software: row.software, contractVersion: row.contract_version, at: row.at };
}

export async function listUnmatchedEvents(
  db: Executor,
  boxId: string,
): Promise<{ eventId: string; kind: string; paymentUuid: string | null; reason: string }[]> {
  const rows = await db
    .selectFrom('box_unmatched_events')
    .select(['event_id', 'kind', 'payment_uuid', 'reason'])
    .where('box_id', '=', boxId)
    .orderBy('at')
    .execute();
  return rows.map((r) => ({ eventId: r.event_id, kind: r.kind, paymentUuid: r.payment_uuid, reason: r.reason }));
}
