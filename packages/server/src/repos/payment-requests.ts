import type { BoxCommand, LiveEventData } from '@kassa/contract';
import { checkBoxCommand } from '@kassa/contract';
import { sql } from 'kysely';
import { channelName } from '../db/notifications.js';
import type { DeviceApproval } from '../domain/device-approval.js';
import type { Device } from '../domain/devices.js';
import { COMMANDS_CHANNEL } from './box-commands.js';
import { announceNotes, announcementOf } from './events.js';
import type { Executor } from './executor.js';
import { toJson } from './executor.js';
import { MAX_NOTIFY_BYTES } from './notify.js';
import type { Payment, PaymentRecord } from './payments.js';
import { toPayment } from './payments.js';
import type { PaymentMethod } from './payment-methods.js';
import type { PaymentLineView } from '../domain/payment-states.js';
import type { PaymentState } from '../domain/payment-states.js';
import { ACTIVE_STATES } from '../domain/payment-states.js';

/**
 * A payment request in two statements: one read of everything the rules need (with the order
 * locked), one write of everything a new payment makes. A request used to take a round trip per
 * fact and per row; on a busy server the round trips, not the work, were the cost.
 */

/** What the rules of a payment request look at, read in one statement. */
export interface PaymentRequestFacts {
  readonly order: {
    readonly id: string;
    readonly sessionId: number;
    /** The POS of the session: the scope of the payment's live events. */
    readonly posId: number;
    readonly state: 'draft' | 'paid' | 'cancelled';
    readonly totalCents: number;
    readonly payments: readonly PaymentLineView[];
  };
  /** The payment already made with this uuid, whatever its order. */
  readonly existing: Payment | null;
  readonly method: PaymentMethod | null;
  readonly device: (Device & { readonly lastSeenAt: Date | null }) | null;
  /** The method asked for, if the POS configuration of the order's session offers it (the rules look for no other). */
  readonly posMethodIds: readonly number[];
  /** Payments running on the method's device, whatever their order. */
  readonly deviceActivePayments: number;
  /** The order's payments version: the write takes place only while it is unchanged. */
  readonly paymentsVersion: number;
}

type FactsRow = {
  order_id: string;
  payments_version: number;
  session_id: number;
  pos_id: number;
  order_state: 'draft' | 'paid' | 'cancelled';
  total_cents: number;
  order_payments: { uuid: string; amountCents: number; state: PaymentState; deviceId: number | null }[];
  pos_method_ids: number[];
  device_active: number;
  e_uuid: string | null;
  e_order_id: string;
  e_method_id: number;
  e_amount_cents: number;
  e_state: PaymentState;
  e_request_hash: string;
  e_device_id: number | null;
  e_box_id: string | null;
  e_terminal_id: string | null;
  e_transaction_id: string | null;
  e_created_by: number;
  e_created_at: Date;
  e_updated_at: Date;
  e_settled_by: number | null;
  e_settle_reason: string | null;
  e_tendered_cents: number | null;
  e_change_cents: number | null;
  e_approved_by: number | null;
  e_kind: 'payment' | 'refund';
  m_id: number | null;
  m_name: string;
  m_kind: PaymentMethod['kind'];
  m_journal_id: number;
  m_terminal: PaymentMethod['terminal'];
  m_device_id: number | null;
  m_refund_transaction_type: string | null;
  m_archived: boolean;
  d_id: number | null;
  d_box_id: string;
  d_terminal_id: string;
  d_type: string;
  d_make: string;
  d_model: string;
  d_online: boolean;
  d_last_seen_at: Date | null;
  d_removed: boolean;
  d_approval: DeviceApproval;
  d_shared_with: number[];
};

/**
 * Reads the order with its payment lines and payments version, the payment already made with the
 * uuid, the method, its device, whether the POS offers it and the device's running payments. Null when the
 * order does not exist. Nothing is locked: `writePaymentRequest` writes only while the order's
 * payments version is the one read here, and the caller reads again when it moved on.
 */
export async function readPaymentRequest(
  db: Executor,
  request: { orderId: string; paymentUuid: string; methodId: number },
): Promise<PaymentRequestFacts | null> {
  const { rows } = await sql<FactsRow>`
    select o.id as order_id, o.payments_version, o.session_id, s.pos_config_id as pos_id, o.state as order_state, o.total_cents,
      coalesce((select json_agg(json_build_object('uuid', p.uuid, 'amountCents', p.amount_cents, 'state', p.state, 'deviceId', p.device_id) order by p.created_at)
        from payments p where p.order_id = o.id), '[]'::json) as order_payments,
      coalesce((select json_agg(pcm.payment_method_id)
        from pos_config_methods pcm
        -- An archived method is offered nowhere: a new payment through it is not in the POS.
        join payment_methods pm on pm.id = pcm.payment_method_id and pm.archived_at is null
        where pcm.pos_config_id = s.pos_config_id and pcm.payment_method_id = ${request.methodId}::integer), '[]'::json) as pos_method_ids,
      (select count(*) from payments a where a.device_id = m.device_id and a.state in (${sql.join(ACTIVE_STATES.map((s) => sql.lit(s)))})) as device_active,
      e.uuid as e_uuid, e.order_id as e_order_id, e.method_id as e_method_id, e.amount_cents as e_amount_cents, e.state as e_state,
      e.request_hash as e_request_hash, e.device_id as e_device_id, e.box_id as e_box_id, e.terminal_id as e_terminal_id, e.transaction_id as e_transaction_id, e.created_by as e_created_by,
      e.created_at as e_created_at, e.updated_at as e_updated_at, e.settled_by as e_settled_by, e.settle_reason as e_settle_reason, e.approved_by as e_approved_by, e.kind as e_kind,
      e.tendered_cents as e_tendered_cents, e.change_cents as e_change_cents,
      m.id as m_id, m.name as m_name, m.kind as m_kind, m.journal_id as m_journal_id, m.terminal as m_terminal, m.device_id as m_device_id, m.refund_transaction_type as m_refund_transaction_type, m.archived_at is not null as m_archived,
      d.id as d_id, d.box_id as d_box_id, d.terminal_id as d_terminal_id, d.type as d_type, d.make as d_make, d.model as d_model,
      d.online as d_online, d.last_seen_at as d_last_seen_at, d.removed as d_removed, d.approval as d_approval,
      coalesce((select json_agg(x.id order by x.id) from devices x where x.terminal_id = d.terminal_id and x.id <> d.id and not x.removed), '[]'::json) as d_shared_with
    from orders o
    join pos_sessions s on s.id = o.session_id
    left join payments e on e.uuid = ${request.paymentUuid}::text
    left join payment_methods m on m.id = ${request.methodId}::integer
    left join devices d on d.id = m.device_id
    where o.id = ${request.orderId}::text`.execute(db);
  const r = rows[0];
  if (r === undefined) return null;
  return {
    order: { id: r.order_id, sessionId: r.session_id, posId: r.pos_id, state: r.order_state, totalCents: r.total_cents, payments: r.order_payments },
    existing:
      r.e_uuid === null
        ? null
        : toPayment({
            uuid: r.e_uuid,
            order_id: r.e_order_id,
            method_id: r.e_method_id,
            amount_cents: r.e_amount_cents,
            state: r.e_state,
            request_hash: r.e_request_hash,
            device_id: r.e_device_id,
            box_id: r.e_box_id,
            terminal_id: r.e_terminal_id,
            transaction_id: r.e_transaction_id,
            created_by: r.e_created_by,
            created_at: r.e_created_at,
            updated_at: r.e_updated_at,
            settled_by: r.e_settled_by,
            settle_reason: r.e_settle_reason,
            tendered_cents: r.e_tendered_cents,
            change_cents: r.e_change_cents,
            approved_by: r.e_approved_by,
            kind: r.e_kind,
          }),
    method:
      r.m_id === null
        ? null
        : {
            id: r.m_id,
            name: r.m_name,
            kind: r.m_kind,
            journalId: r.m_journal_id,
            terminal: r.m_terminal,
            deviceId: r.m_device_id,
            refundTransactionType: r.m_refund_transaction_type,
            archived: r.m_archived,
          },
    device:
      r.d_id === null
        ? null
        : {
            id: r.d_id,
            boxId: r.d_box_id,
            terminalId: r.d_terminal_id,
            type: r.d_type,
            make: r.d_make,
            model: r.d_model,
            online: r.d_online,
            lastSeenAt: r.d_last_seen_at,
            removed: r.d_removed,
            approval: r.d_approval,
            sharedWith: r.d_shared_with,
          },
    posMethodIds: r.pos_method_ids,
    deviceActivePayments: Number(r.device_active),
    paymentsVersion: r.payments_version,
  };
}

export interface NewPaymentRequest {
  /** The payment as it is to be stored; created and updated at `payment.createdAt`. */
  readonly payment: Payment;
  /** The order's payments version the rules were checked against. */
  readonly paymentsVersion: number;
  readonly history: { readonly userId: number; readonly data: unknown };
  /** The box command that starts it on the terminal, if it uses one. */
  readonly command: { readonly boxId: string; readonly command: BoxCommand } | null;
  /** The `data` of the live event that announces it. */
  readonly eventData: LiveEventData<'payment'>;
  /** The POS of the order's session: the scope of that event. */
  readonly posId: number;
}

/**
 * `stale`: another request was written to the order since it was read, or the order is no longer a
 * draft; nothing was written. `conflict`: the uuid exists (on another order), nothing was written.
 */
export type PaymentRequestWrite =
  | {
      readonly outcome: 'created';
      readonly payment: Payment;
      /** The row version (xmin) the insert gave the payment. */
      readonly version: string;
      /** The id of the box command queued with it, if any. */
      readonly commandId: number | null;
    }
  | { readonly outcome: 'stale' | 'conflict' };

type WriteRow = { fresh: boolean; uuid: string | null; row_version: string | null; command_id: string | number | null } & Omit<PaymentRecord, 'uuid'>;

/**
 * Writes a new payment in one statement, a transaction of its own: the order's payments version is
 * compared and moved on (an UPDATE, so a request or a validation of the same order that committed
 * meanwhile is seen, and one running now is waited for), then the payment (unless its uuid exists),
 * its first history entry, the box command and the live event, with the NOTIFY of the command and
 * of the event (see announcementOf; both are sent at commit). The notification carries what the listeners would
 * otherwise read back, as `enqueueCommand` sends it, and only the id when that exceeds MAX_NOTIFY_BYTES.
 * A second running payment on the device violates payments_one_active_per_device and throws.
 */
export async function writePaymentRequest(db: Executor, prefix: string, request: NewPaymentRequest): Promise<PaymentRequestWrite> {
  const p = request.payment;
  const at = p.createdAt;
  const command = request.command;
  if (command !== null) checkBoxCommand(command.command);
  const commandHead = command === null ? '' : `{"boxId":${toJson(command.boxId)},"id":`;
  const commandTail = command === null ? '' : `,"command":${toJson(command.command)}}`;
  const live = { topic: 'payment' as const, audience: 'cashier' as const, data: request.eventData, at, posId: request.posId };
  // Announced by the statement itself, or inserted for the trigger to announce (see writeBatch).
  const note = announcementOf(live);
  const { rows } = await sql<WriteRow>`
    with fresh as (
      update orders set payments_version = payments_version + 1
      where id = ${p.orderId}::text and payments_version = ${request.paymentsVersion}::integer and state = 'draft'
      returning true as ok
    ),
    inserted as (
      insert into payments (uuid, order_id, method_id, amount_cents, state, request_hash, device_id, box_id, terminal_id, created_by, created_at, updated_at, tendered_cents, change_cents)
      select ${p.uuid}::text, ${p.orderId}::text, ${p.methodId}::integer, ${p.amountCents}::integer, ${p.state}::text, ${p.requestHash}::text,
        ${p.deviceId}::integer, ${p.boxId}::text, ${p.terminalId}::text, ${p.createdBy}::integer, ${at}::timestamptz, ${at}::timestamptz, ${p.tenderedCents}::integer, ${p.changeCents}::integer
      from fresh
      on conflict (uuid) do nothing
      returning *, xmin::text as row_version
    ),
    history as (
      insert into payment_history (payment_uuid, at, source, event, from_state, to_state, message, user_id, data)
      select uuid, ${at}::timestamptz, 'user', 'requested', state, state, null, ${request.history.userId}::integer, ${toJson(request.history.data)}::jsonb from inserted
    ),
    command as (
      insert into box_commands (box_id, kind, payload)
      select ${command?.boxId ?? ''}::text, ${command?.command.kind ?? ''}::text, ${command === null ? 'null' : toJson(command.command)}::jsonb from inserted where ${command !== null}::boolean
      returning id
    ),
    event as (
      insert into events (topic, audience, data, at, pos_id)
      select 'payment', 'cashier', ${note === null ? toJson(live.data) : null}::jsonb, ${at}::timestamptz, ${request.posId}::integer from inserted where ${note === null}::boolean
    ),
    notes as (
      select ${commandHead}::text || command.id || ${commandTail}::text as command_note, command.id as command_id
      from fresh left join command on true
    )
    select fresh.ok as fresh, inserted.*, notes.command_id,
      case when notes.command_id is not null then pg_notify(${channelName(prefix, COMMANDS_CHANNEL)}::text,
        case when octet_length(notes.command_note) <= ${MAX_NOTIFY_BYTES}::integer then notes.command_note else ${commandHead}::text || notes.command_id || '}' end) end as command_notified,
      ${note === null ? sql`0` : announceNotes(prefix, [note], sql<boolean>`inserted.uuid is not null`)} as announced
    from fresh left join inserted on true left join notes on true`.execute(db);
  const row = rows[0];
  if (row === undefined || !row.fresh) return { outcome: 'stale' };
  if (row.uuid === null) return { outcome: 'conflict' };
  const { row_version, command_id, ...record } = row;
  return {
    outcome: 'created',
    payment: toPayment({ ...record, uuid: row.uuid }),
    version: row_version ?? '0',
    commandId: command_id === null ? null : Number(command_id),
  };
}
