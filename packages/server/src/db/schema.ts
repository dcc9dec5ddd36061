import type { LiveTopic, PaymentState } from '@kassa/contract';
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** Timestamps are read as Date and written as Date or left to the database default. */
type CreatedAt = ColumnType<Date, Date | undefined, Date>;
type Json = ColumnType<unknown, string, string>;

export interface CompanyTable {
  id: Generated<number>;
  name: string;
  country: string;
  ingenico_enabled: boolean;
}

export interface UserTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  role: 'admin' | 'manager' | 'cashier';
  active: Generated<boolean>;
  created_at: CreatedAt;
  /** The approval PIN's hash, as password_hash (migration 0009_manager_role); null: no PIN. */
  pin_hash: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface AuthSessionTable {
  /** SHA-256 of the cookie value: a database leak gives no usable session. */
  id: string;
  user_id: number;
  /** SHA-256 of the session's CSRF token (which is derived from the cookie, see services/auth.ts). */
  csrf_token_hash: string;
  created_at: CreatedAt;
  expires_at: Date;
}

export interface JournalTable {
  id: Generated<number>;
  name: string;
  type: 'bank' | 'cash';
}

export interface BoxTable {
  id: string;
  name: string;
  token_hash: string;
  created_at: CreatedAt;
  revoked_at: Date | null;
  online: Generated<boolean>;
  last_seen_at: Date | null;
  /** The server process that holds the box's WebSocket, so commands can be routed to it. */
  server_id: string | null;
}

export interface DeviceTable {
  id: Generated<number>;
  box_id: string;
  terminal_id: string;
  type: string;
  make: string;
  model: string;
  online: Generated<boolean>;
  last_seen_at: Date | null;
  removed: Generated<boolean>;
  /** new (never approved), approved, quarantined (came back changed) — migration 0008. */
  approval: Generated<'new' | 'approved' | 'quarantined'>;
  /** The serial number (VersionInformation) and address the box last reported. */
  serial_number: string | null;
  address: string | null;
  /** The ones an admin approved; null until known (taken from the next report while approved). */
  approved_serial_number: string | null;
  approved_address: string | null;
  approved_at: Date | null;
  approved_by: number | null;
}

/** Alerts raised about a device (migration 0008): a box refused an impostor claiming its TerminalId. */
export interface DeviceAlertTable {
  id: Generated<number>;
  device_id: number;
  kind: 'impostor';
  at: Date;
  address: string | null;
  serial_number: string | null;
  reason: string;
  attempts: number;
  dismissed_at: Date | null;
  dismissed_by: number | null;
}

export interface PaymentMethodTable {
  id: Generated<number>;
  name: string;
  kind: 'cash' | 'bank';
  journal_id: number;
  terminal: 'none' | 'ingenico';
  device_id: number | null;
  /** The TransactionType (two hex digits) the terminal takes for a refund; null: the default, 20 (migration 0014_refunds). */
  refund_transaction_type: ColumnType<string | null, string | null | undefined, string | null>;
  /** When it was archived; null while in use (migration 0016_archiving). */
  archived_at: Date | null;
}

export interface PosConfigTable {
  id: Generated<number>;
  name: string;
  /** When it was archived; null while in use (migration 0016_archiving). */
  archived_at: Date | null;
  /** The shop (location) it stands in; null: none (migration 0022_pos_shops). */
  shop: Generated<string | null>;
}

/** The POS a cashier may open (migration 0019_user_tills); none listed: any POS. */
export interface UserPosConfigTable {
  user_id: number;
  pos_config_id: number;
}

export interface PosConfigMethodTable {
  pos_config_id: number;
  payment_method_id: number;
}

export interface ProductTable {
  id: Generated<number>;
  name: string;
  price_cents: number;
  vat_rate: number;
  active: Generated<boolean>;
}

export interface PosSessionTable {
  id: Generated<number>;
  pos_config_id: number;
  opened_by: number;
  state: 'open' | 'closed';
  opening_cash_cents: number;
  opened_at: CreatedAt;
  closed_at: Date | null;
  closing: Json | null;
}

export interface OrderTable {
  id: string;
  session_id: number;
  state: 'draft' | 'paid' | 'cancelled';
  total_cents: number;
  vat_cents: number;
  vat: Json;
  created_by: number;
  created_at: CreatedAt;
  validated_at: Date | null;
  receipt_number: number | null;
  /** Moves on at every payment request written to the order (migration 0006_order_payments_version). */
  payments_version: Generated<number>;
  /** The client-made uuid of the cancellation that cancelled the order (migration 0015_order_cancellation). */
  cancellation_uuid: string | null;
}

export interface OrderLineTable {
  order_id: string;
  position: number;
  product_id: number;
  name: string;
  quantity: number;
  unit_price_cents: number;
  vat_rate: number;
  total_cents: number;
}

export interface PaymentTable {
  uuid: string;
  order_id: string;
  method_id: number;
  amount_cents: number;
  state: PaymentState;
  /** SHA-256 of the canonical request body: the same uuid with another body is a conflict. */
  request_hash: string;
  device_id: number | null;
  box_id: string | null;
  /** The TerminalId of the device the payment was started on (migration 0007_payment_trust). */
  terminal_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The TransactionId the box reported sending (migration 0007_payment_trust). */
  transaction_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_by: number;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  settled_by: number | null;
  settle_reason: string | null;
  /** Cash lines only: what the customer handed, and the change given back. */
  tendered_cents: ColumnType<number | null, number | null | undefined, number | null>;
  change_cents: ColumnType<number | null, number | null | undefined, number | null>;
  /** The manager or admin who approved a settlement by hand (migration 0009_manager_role). */
  approved_by: ColumnType<number | null, number | null | undefined, number | null>;
  /** `payment` takes money, `refund` gives it back; the amount is positive either way (migration 0014_refunds). */
  kind: ColumnType<'payment' | 'refund', 'payment' | 'refund' | undefined, 'payment' | 'refund'>;
}

/** What a refund line returns and why (migration 0014_refunds); one row per refund payment line. */
export interface RefundTable {
  payment_uuid: string;
  order_id: string;
  reason: string;
  /** [{ position, quantity, amountCents }] of the order lines returned; [] for a refund of an amount. */
  lines: Json;
  created_by: number;
  approved_by: number;
  created_at: CreatedAt;
}

export interface PaymentHistoryTable {
  id: Generated<number>;
  payment_uuid: string;
  at: CreatedAt;
  source: 'user' | 'box' | 'server';
  event: string;
  from_state: PaymentState;
  to_state: PaymentState;
  message: string | null;
  user_id: number | null;
  data: Json | null;
  /** The box event the entry came from, unique per payment (migration 0004_history_event_ids); null for the others. */
  event_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface PaymentTicketTable {
  id: Generated<number>;
  payment_uuid: string;
  ticket_type: string;
  text: string;
  created_at: CreatedAt;
}

export interface BoxCommandTable {
  id: Generated<number>;
  box_id: string;
  kind: string;
  payload: Json;
  created_at: CreatedAt;
  delivered_at: Date | null;
}

export interface BoxEventSeenTable {
  box_id: string;
  event_id: string;
  at: CreatedAt;
}

/** The last hello of each box (migration 0002_box_uplink). */
export interface BoxHelloTable {
  box_id: string;
  /** The identity the box made for itself at first start (may differ from the paired id). */
  reported_id: string;
  software: string;
  contract_version: number;
  at: Date;
}

/** Box events that name no payment the box owns, kept for inspection (migration 0002_box_uplink). */
export interface BoxUnmatchedEventTable {
  box_id: string;
  event_id: string;
  at: Date;
  kind: string;
  payment_uuid: string | null;
  reason: string;
  data: Json;
}

export interface EventTable {
  id: Generated<number>;
  at: CreatedAt;
  topic: LiveTopic;
  /** The minimum role that may see the event. */
  audience: 'admin' | 'cashier';
  data: Json;
  /** Filled by the trigger (migration 0018): the POS of a payment's or order's session, the device of a device event. */
  pos_id: ColumnType<number | null, undefined, number | null>;
  device_id: ColumnType<number | null, undefined, number | null>;
}

export interface RateLimitTable {
  /** The route and the client address. */
  key: string;
  count: number;
  window_start: Date;
}

export interface LoginThrottleTable {
  /** `user:<username>`, `address:<ip>` or `device:<token hash>`. */
  key: string;
  failures: number;
  locked_until: Date | null;
  last_failure_at: Date;
}

export interface LoginDeviceTable {
  /** SHA-256 of the device cookie. */
  token_hash: string;
  user_id: number;
  expires_at: Date;
}

/** A one-time link to create the first admin; all are void once an admin exists. */
export interface SetupTokenTable {
  token_hash: string;
  created_at: CreatedAt;
}

/** A short code a box exchanges once for its token (see services/pairing-codes.ts). */
export interface PairingCodeTable {
  code_hash: string;
  box_name: string;
  created_at: CreatedAt;
  expires_at: Date;
  used_at: Date | null;
  box_id: string | null;
}

export interface Schema {
  company: CompanyTable;
  users: UserTable;
  auth_sessions: AuthSessionTable;
  journals: JournalTable;
  boxes: BoxTable;
  devices: DeviceTable;
  device_alerts: DeviceAlertTable;
  payment_methods: PaymentMethodTable;
  pos_configs: PosConfigTable;
  pos_config_methods: PosConfigMethodTable;
  user_pos_configs: UserPosConfigTable;
  products: ProductTable;
  pos_sessions: PosSessionTable;
  orders: OrderTable;
  order_lines: OrderLineTable;
  payments: PaymentTable;
  payment_history: PaymentHistoryTable;
  payment_tickets: PaymentTicketTable;
  refunds: RefundTable;
  box_commands: BoxCommandTable;
  box_events_seen: BoxEventSeenTable;
  box_hellos: BoxHelloTable;
  box_unmatched_events: BoxUnmatchedEventTable;
  events: EventTable;
  rate_limits: RateLimitTable;
  login_throttles: LoginThrottleTable;
  login_devices: LoginDeviceTable;
  setup_tokens: SetupTokenTable;
  pairing_codes: PairingCodeTable;
}

export type DeviceRow = Selectable<DeviceTable>;
export type NewPayment = Insertable<PaymentTable>;
