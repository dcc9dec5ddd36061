import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { sql } from 'kysely';

/**
 * Migrations live in code (not in files read at run time) so the built package needs nothing
 * beside its JavaScript. Names sort in the order they run; never edit one that has shipped.
 */
const initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('company')
      .addColumn('id', 'integer', (c) =>
        c
          .primaryKey()
          .defaultTo(1)
          .check(sql`id = 1`),
      )
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('country', 'text', (c) => c.notNull())
      .addColumn('ingenico_enabled', 'boolean', (c) => c.notNull().defaultTo(false))
      .execute();
    await db.schema
      .createTable('users')
      .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'cashier')`))
      .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema
      .createTable('auth_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('journals')
      .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('bank', 'cash')`))
      .execute();
    await db.schema
      .createTable('boxes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('revoked_at', 'timestamptz')
      .addColumn('online', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('last_seen_at', 'timestamptz')
      .addColumn('server_id', 'text')
      .execute();
    await db.schema
      .createTable('devices')
      .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      .addColumn('box_id', 'text', (c) => c.notNull().references('boxes.id'))
      .addColumn('terminal_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('make', 'text', (c) => c.notNull())
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('online', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('last_seen_at', 'timestamptz')
      .addColumn('removed', 'boolean', (c) => c.notNull().defaultTo(false))
      .addUniqueConstraint('devices_box_terminal', ['box_id', 'terminal_id'])
      .execute();
    await db.schema
      .createTable('payment_methods')
      .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('cash', 'bank')`))
      .addColumn('journal_id', 'integer', (c) => c.notNull().references('journals.id'))
      .addColumn('terminal', 'text', (c) => c.notNull().check(sql`terminal in ('none', 'ingenico')`))
      .addColumn('device_id', 'integer', (c) => c.references('devices.id'))
      .execute();
    await db.schema
      .createTable('pos_configs')
      .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      .addColumn('name', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('pos_config_methods')
      .addColumn('pos_config_id', 'integer', (c) => c.notNull().references('pos_configs.id').onDelete('cascade'))
      .addColumn('payment_method_id', 'integer', (c) => c.notNull().references('payment_methods.id'))
      .addPrimaryKeyConstraint('pos_config_methods_pk', ['pos_config_id', 'payment_method_id'])
      .execute();
    await db.schema
      .createTable('products')
      .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('price_cents', 'integer', (c) => c.notNull().check(sql`price_cents >= 0`))
      .addColumn('vat_rate', 'integer', (c) => c.notNull())
      .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
      .execute();
    await db.schema
      .createTable('pos_sessions')
      .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      .addColumn('pos_config_id', 'integer', (c) => c.notNull().references('pos_configs.id'))
      .addColumn('opened_by', 'integer', (c) => c.notNull().references('users.id'))
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('opening_cash_cents', 'integer', (c) => c.notNull())
      .addColumn('opened_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('closed_at', 'timestamptz')
      .addColumn('closing', 'jsonb')
      .execute();
    // One open session per POS, enforced by the database so two cashiers cannot race.
    await sql`create unique index pos_sessions_one_open on pos_sessions (pos_config_id) where state = 'open'`.execute(db);
    await db.schema
      .createTable('orders')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('session_id', 'integer', (c) => c.notNull().references('pos_sessions.id'))
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('total_cents', 'integer', (c) => c.notNull())
      .addColumn('vat_cents', 'integer', (c) => c.notNull())
      .addColumn('vat', 'jsonb', (c) => c.notNull())
      .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('validated_at', 'timestamptz')
      .addColumn('receipt_number', 'integer', (c) => c.unique())
      .execute();
    await sql`create sequence receipt_numbers`.execute(db);
    await db.schema
      .createTable('order_lines')
      .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id').onDelete('cascade'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('product_id', 'integer', (c) => c.notNull().references('products.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('quantity', 'integer', (c) => c.notNull())
      .addColumn('unit_price_cents', 'integer', (c) => c.notNull())
      .addColumn('vat_rate', 'integer', (c) => c.notNull())
      .addColumn('total_cents', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('order_lines_pk', ['order_id', 'position'])
      .execute();
    await db.schema
      .createTable('payments')
      .addColumn('uuid', 'text', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
      .addColumn('method_id', 'integer', (c) => c.notNull().references('payment_methods.id'))
      .addColumn('amount_cents', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('device_id', 'integer', (c) => c.references('devices.id'))
      .addColumn('box_id', 'text')
      .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('settled_by', 'integer', (c) => c.references('users.id'))
      .addColumn('settle_reason', 'text')
      .execute();
    await db.schema.createIndex('payments_order').on('payments').column('order_id').execute();
    // At most one running payment per terminal, enforced where concurrent requests meet.
    await sql`create unique index payments_one_active_per_device on payments (device_id)
      where state in ('pending', 'waiting', 'waitingCard', 'waitingCancel', 'unknown') and device_id is not null`.execute(db);
    await db.schema
      .createTable('payment_history')
      .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      .addColumn('payment_uuid', 'text', (c) => c.notNull().references('payments.uuid'))
      .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('from_state', 'text', (c) => c.notNull())
      .addColumn('to_state', 'text', (c) => c.notNull())
      .addColumn('message', 'text')
      .addColumn('user_id', 'integer', (c) => c.references('users.id'))
      .addColumn('data', 'jsonb')
      .execute();
    await db.schema.createIndex('payment_history_payment').on('payment_history').columns(['payment_uuid', 'id']).execute();
    await db.schema
      .createTable('payment_tickets')
      .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      .addColumn('payment_uuid', 'text', (c) => c.notNull().references('payments.uuid'))
      .addColumn('ticket_type', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema
      .createTable('box_commands')
      .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      .addColumn('box_id', 'text', (c) => c.notNull().references('boxes.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('payload', 'jsonb', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('delivered_at', 'timestamptz')
      .execute();
    await sql`create index box_commands_undelivered on box_commands (box_id, id) where delivered_at is null`.execute(db);
    await db.schema
      .createTable('box_events_seen')
      .addColumn('box_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('box_events_seen_pk', ['box_id', 'event_id'])
      .execute();
    await db.schema
      .createTable('events')
      .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('topic', 'text', (c) => c.notNull())
      .addColumn('audience', 'text', (c) => c.notNull())
      .addColumn('data', 'jsonb', (c) => c.notNull())
      .execute();
  },
};

/**
 * What the box uplink records beside the boxes table: each box's last hello (its own identity and
 * software), and box events that name no payment the box owns, kept for inspection instead of
 * being refused again and again.
 */
const boxUplink: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('box_hellos')
      .addColumn('box_id', 'text', (c) => c.primaryKey().references('boxes.id'))
      .addColumn('reported_id', 'text', (c) => c.notNull())
      .addColumn('software', 'text', (c) => c.notNull())
      .addColumn('contract_version', 'integer', (c) => c.notNull())
      .addColumn('at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('box_unmatched_events')
      .addColumn('box_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('at', 'timestamptz', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('payment_uuid', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('data', 'jsonb', (c) => c.notNull())
      .addPrimaryKeyConstraint('box_unmatched_events_pk', ['box_id', 'event_id'])
      .execute();
  },
};

/** Login attempts per client address, counted in the database so the limit holds across processes. */
const loginRateLimits: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('rate_limits')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('window_start', 'timestamptz', (c) => c.notNull())
      .execute();
  },
};

/**
 * A payment's history records the id of the box event it came from, unique per payment: the history
 * entry itself is the record that the event was applied, in place of a box_events_seen row (which
 * device events still use). Entries written before keep the id in their data. The new index also
 * serves the reads of a payment's history (a few dozen rows, sorted by id once read), so it
 * replaces the one on (payment_uuid, id) and an entry costs no more index writes than before.
 */
const historyEventIds: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`alter table payment_history add column event_id text`.execute(db);
    await sql`update payment_history set event_id = data->>'eventId' where source = 'box' and data ? 'eventId'`.execute(db);
    await sql`create unique index payment_history_event on payment_history (payment_uuid, event_id)`.execute(db);
    await sql`drop index payment_history_payment`.execute(db);
  },
};

/**
 * History entries and tickets are written many to a payment (a dozen per card payment), and each
 * foreign-key check is a query of its own inside PostgreSQL, about a tenth of its work under load.
 * What the key guarded holds by construction: every statement that writes them reads or locks the
 * payment in the same transaction (or inserts it), and a payment is never deleted.
 */
const paymentChildrenUnchecked: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`alter table payment_history drop constraint payment_history_payment_uuid_fkey`.execute(db);
    await sql`alter table payment_tickets drop constraint payment_tickets_payment_uuid_fkey`.execute(db);
  },
};

/**
 * A payment request reads its order without locking it and writes only if the order's payment lines
 * are still those it read: the version it read is compared (and moved on) by the write's own UPDATE,
 * which PostgreSQL checks against the newest row. Two statements, each its own transaction, instead
 * of a locked read and a write between BEGIN and COMMIT. Servers of an earlier version lock the
 * order instead and leave the version as it is: run one version at a time on a database.
 */
const orderPaymentsVersion: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`alter table orders add column payments_version integer not null default 0`.execute(db);
  },
};

/**
 * Roles at the till: a manager beside admin and cashier (overrides at the till, selling on any
 * POS), an approval PIN for managers and admins (hashed like a password), and the manager who
 * approved a payment settled by hand. The role check was named by PostgreSQL when 0001 made it.
 */
const managerRole: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`alter table users drop constraint users_role_check`.execute(db);
    await sql`alter table users add constraint users_role_check check (role in ('admin', 'manager', 'cashier'))`.execute(db);
    await sql`alter table users add column pin_hash text`.execute(db);
    await sql`alter table payments add column approved_by integer references users (id)`.execute(db);
  },
};

/**
 * Trust boundaries at rest and at the login. A session's CSRF token is kept as its SHA-256 only
 * (sessions made before hold it in clear, so they end: everyone logs in again). Failed logins are
 * counted per username, per client address and per known device (`login_throttles`, see
 * services/login-throttle.ts); a browser that logged in as a user gets a device token, stored hashed
 * in `login_devices`, that exempts it from that username's lock.
 */
const trustBoundariesAtRest: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`delete from auth_sessions`.execute(db);
    await sql`alter table auth_sessions rename column csrf_token to csrf_token_hash`.execute(db);
    await db.schema
      .createTable('login_throttles')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('locked_until', 'timestamptz')
      .addColumn('last_failure_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('login_devices')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .execute();
  },
};

/**
 * First run and pairing by code. A setup token lets the first admin be created from the link the
 * server prints; every token is void once an admin exists. A pairing code is six digits that a box
 * exchanges once, within minutes, for its token; only hashes of both are kept.
 */
const setupAndPairingCodes: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('setup_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema
      .createTable('pairing_codes')
      .addColumn('code_hash', 'text', (c) => c.primaryKey())
      .addColumn('box_name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .addColumn('used_at', 'timestamptz')
      .addColumn('box_id', 'text')
      .execute();
  },
};

/**
 * A cash line keeps what the customer handed and the change given back; `amount_cents` is what the
 * line counts toward the order (never more than was due). Other lines leave both null.
 */
const cashTender: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`alter table payments add column tendered_cents integer check (tendered_cents > 0)`.execute(db);
    await sql`alter table payments add column change_cents integer check (change_cents >= 0)`.execute(db);
  },
};

/**
 * The server believes a box only about what it asked: a payment keeps the TerminalId its start
 * command named and the TransactionId the box reported sending, so every event of the box is checked
 * against the payment row it already reads. Payments written before take their device's TerminalId.
 * The new state `mismatch` needs no change here: states are not constrained, and a mismatched line
 * is not running (payments_one_active_per_device leaves it out, and the terminal is free).
 */
const paymentTrust: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`alter table payments add column terminal_id text`.execute(db);
    await sql`alter table payments add column transaction_id text`.execute(db);
    await sql`update payments set terminal_id = d.terminal_id from devices d where d.id = payments.device_id`.execute(db);
    await sql`update payments set transaction_id = h.data->>'transactionId' from payment_history h
      where h.payment_uuid = payments.uuid and h.source = 'box' and h.event = 'accepted' and h.data ? 'transactionId'`.execute(db);
  },
};

/**
 * Terminals are approved. A device the server has never seen is `new` and takes no payment until an
 * admin approves it, which keeps its serial number and address as the approved ones; an approved
 * device reported with another serial number or address is `quarantined` until an admin approves
 * the change. Devices that existed before were trusted already: they are `approved`, and the serial
 * number and address of their next report become their approved ones (their boxes have reported
 * them all along; the server did not keep them). Alerts record what a box refused about a device.
 * The index on terminal_id finds the same TerminalId on another box.
 */
const deviceApproval: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`alter table devices add column approval text not null default 'new' check (approval in ('new', 'approved', 'quarantined'))`.execute(db);
    await sql`update devices set approval = 'approved'`.execute(db);
    await sql`alter table devices add column serial_number text, add column address text,
      add column approved_serial_number text, add column approved_address text,
      add column approved_at timestamptz, add column approved_by integer references users (id)`.execute(db);
    await sql`create index devices_terminal on devices (terminal_id)`.execute(db);
    await db.schema
      .createTable('device_alerts')
      .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      .addColumn('device_id', 'integer', (c) => c.notNull().references('devices.id'))
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('impostor')`))
      .addColumn('at', 'timestamptz', (c) => c.notNull())
      .addColumn('address', 'text')
      .addColumn('serial_number', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('dismissed_at', 'timestamptz')
      .addColumn('dismissed_by', 'integer', (c) => c.references('users.id'))
      .execute();
    await sql`create index device_alerts_open on device_alerts (device_id) where dismissed_at is null`.execute(db);
  },
};

/**
 * Refunds. A refund is a payment line of kind `refund` on a validated order: money going back, by
 * card through the terminal (the same states, journal, idempotency and recovery as a payment) or in
 * cash. Its amount is stored positive; the kind gives the sign. `refunds` keeps what the line
 * returns (the order lines and quantities, or none for an amount), the reason, and who asked and
 * approved it. A payment method may name the TransactionType its terminal takes for a refund (two
 * hex digits; none means the default, 20).
 */
const refunds: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`alter table payments add column kind text not null default 'payment' check (kind in ('payment', 'refund'))`.execute(db);
    await sql`alter table payment_methods add column refund_transaction_type text check (refund_transaction_type ~ '^[0-9A-F]{2}$')`.execute(db);
    await db.schema
      .createTable('refunds')
      .addColumn('payment_uuid', 'text', (c) => c.primaryKey().references('payments.uuid'))
      .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('lines', 'jsonb', (c) => c.notNull())
      .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
      .addColumn('approved_by', 'integer', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await sql`create index refunds_order on refunds (order_id)`.execute(db);
  },
};

/**
 * Live events numbered in commit order, with the scope each belongs to. An event's id is drawn
 * when its transaction commits (a deferred trigger, under one transaction-scoped advisory lock held
 * until the commit is done), so a later commit never has a lower id and a client resuming after an
 * id misses nothing. The same trigger fills the scope (the POS of a payment's or order's session,
 * the device of a device event) and announces the event on the events channel; writers only insert.
 * NOTIFY-ing commits were already taken one at a time by PostgreSQL; the lock adds the trigger's
 * few statements to that stretch. A session opened, closed or reopened is announced on the tills
 * channel with the user who opened it. Channels are named as `channelName` names them from the schema.
 */
/** The advisory lock that orders the commits of live events ('kass' in ASCII). */
const EVENT_ORDER_LOCK = 0x6b617373;
/** As MAX_NOTIFY_BYTES (repos/notify.ts): PostgreSQL caps a NOTIFY payload at 8000 bytes. */
const EVENT_NOTIFY_MAX_BYTES = 7900;

const commitOrderedEvents: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`alter table events add column pos_id integer`.execute(db);
    await sql`alter table events add column device_id integer`.execute(db);
    await sql`create index events_pos on events (pos_id, id) where pos_id is not null`.execute(db);
    await sql`create index events_device on events (device_id, id) where device_id is not null`.execute(db);
    await sql`
      create function kassa_event_committed() returns trigger language plpgsql as $fn$
      declare
        pos integer;
        dev integer;
        fresh events%rowtype;
        note text;
      begin
        perform pg_advisory_xact_lock(${sql.raw(String(EVENT_ORDER_LOCK))});
        if new.topic = 'payment' then
          select s.pos_config_id into pos from orders o join pos_sessions s on s.id = o.session_id where o.id = new.data->'payment'->>'orderId';
        elsif new.topic = 'order' then
          if jsonb_typeof(new.data->'order'->'sessionId') = 'number' then
            select s.pos_config_id into pos from pos_sessions s where s.id = (new.data->'order'->>'sessionId')::integer;
          end if;
        elsif new.topic = 'device' and jsonb_typeof(new.data->'device'->'id') = 'number' then
          dev := (new.data->'device'->>'id')::integer;
        end if;
        update events set id = nextval(pg_get_serial_sequence('events', 'id')), pos_id = pos, device_id = dev where id = new.id returning * into fresh;
        note := json_build_object('id', fresh.id, 'at', to_char(fresh.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'topic', fresh.topic,
          'audience', fresh.audience, 'posId', fresh.pos_id, 'deviceId', fresh.device_id, 'data', fresh.data)::text;
        if octet_length(note) > ${sql.raw(String(EVENT_NOTIFY_MAX_BYTES))} then note := json_build_object('id', fresh.id)::text; end if;
        perform pg_notify(case when current_schema() = 'public' then 'kassa_events' else 'kassa_' || current_schema() || '_events' end, note);
        return null;
      end
      $fn$`.execute(db);
    await sql`create constraint trigger events_committed after insert on events deferrable initially deferred for each row execute function kassa_event_committed()`.execute(
      db,
    );
    // A session opened, closed or reopened changes what its cashier's streams follow.
    await sql`
      create function kassa_till_changed() returns trigger language plpgsql as $fn$
      begin
        perform pg_notify(case when current_schema() = 'public' then 'kassa_tills' else 'kassa_' || current_schema() || '_tills' end, json_build_object('userId', new.opened_by)::text);
        return null;
      end
      $fn$`.execute(db);
    await sql`create trigger pos_sessions_tills after insert or update of state on pos_sessions for each row execute function kassa_till_changed()`.execute(db);
  },
};

/**
 * Cancelling an order that took money. The cancellation's client-made uuid is kept on the order:
 * the same request again finds the order cancelled by it; the refunds it made carry its approval.
 */
const orderCancellation: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`alter table orders add column cancellation_uuid text unique`.execute(db);
  },
};

/**
 * Archived payment methods and POS configurations: kept for the history that names them, hidden
 * from every choice (the till's POS list, the method pickers), refused for new sales.
 */
const archiving: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`alter table payment_methods add column archived_at timestamptz`.execute(db);
    await sql`alter table pos_configs add column archived_at timestamptz`.execute(db);
  },
};

/**
 * What a till's stream follows changes with its POS's payment methods and their terminals, not
 * only with its sessions: a change to either is announced on the tills channel, and every stream
 * reads again what it follows (a back-office change, rare beside the events themselves).
 */
const rescopeOnConfiguration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`
      create function kassa_tills_configured() returns trigger language plpgsql as $fn$
      begin
        perform pg_notify(case when current_schema() = 'public' then 'kassa_tills' else 'kassa_' || current_schema() || '_tills' end, '{"all":true}');
        return null;
      end
      $fn$`.execute(db);
    await sql`create trigger pos_config_methods_tills after insert or delete on pos_config_methods for each statement execute function kassa_tills_configured()`.execute(
      db,
    );
    await sql`create trigger payment_methods_tills after update of device_id on payment_methods for each statement execute function kassa_tills_configured()`.execute(
      db,
    );
  },
};

/**
 * Live events announced, not kept. Each process numbers the events in the order it hears them
 * (NOTIFY delivers them in commit order), so no id needs drawing at commit: the advisory lock and
 * the UPDATE of migration 0013, which held every event-writing commit in a queue, are gone. A
 * writer still inserts into `events`; a BEFORE trigger fills the scope (as 0013 did) unless the
 * writer gave it, announces the whole event and stores nothing. An event too large for NOTIFY is stored, and only its id is
 * announced; the listeners read it back (and the row is pruned with the retention).
 */
const announcedEvents: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`drop trigger events_committed on events`.execute(db);
    await sql`drop function kassa_event_committed()`.execute(db);
    await sql`drop index events_pos`.execute(db);
    await sql`drop index events_device`.execute(db);
    await sql`
      create function kassa_event_announced() returns trigger language plpgsql as $fn$
      declare
        channel text := case when current_schema() = 'public' then 'kassa_events' else 'kassa_' || current_schema() || '_events' end;
        note text;
      begin
        if new.pos_id is not null then
          null; -- the writer knew it (the uplink's batches and payment requests do)
        elsif new.topic = 'payment' then
          select s.pos_config_id into new.pos_id from orders o join pos_sessions s on s.id = o.session_id where o.id = new.data->'payment'->>'orderId';
        elsif new.topic = 'order' then
          if jsonb_typeof(new.data->'order'->'sessionId') = 'number' then
            select s.pos_config_id into new.pos_id from pos_sessions s where s.id = (new.data->'order'->>'sessionId')::integer;
          end if;
        elsif new.topic = 'device' and jsonb_typeof(new.data->'device'->'id') = 'number' then
          new.device_id := (new.data->'device'->>'id')::integer;
        end if;
        note := json_build_object('at', to_char(new.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'topic', new.topic,
          'audience', new.audience, 'posId', new.pos_id, 'deviceId', new.device_id, 'data', new.data)::text;
        if octet_length(note) <= ${sql.raw(String(EVENT_NOTIFY_MAX_BYTES))} then
          perform pg_notify(channel, note);
          return null;
        end if;
        perform pg_notify(channel, json_build_object('id', new.id)::text);
        return new;
      end
      $fn$`.execute(db);
    await sql`create trigger events_announced before insert on events for each row execute function kassa_event_announced()`.execute(db);
  },
};

/**
 * The POS a cashier may open (an admin's list per cashier; none listed: any POS). A cashier's own
 * POS is one they may open and hold: without a list a cashier could open any free till and act on
 * its earlier sessions. Existing cashiers keep the tills they have already opened.
 */
const userTills: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`create table user_pos_configs (
      user_id integer not null references users (id) on delete cascade,
      pos_config_id integer not null references pos_configs (id) on delete cascade,
      primary key (user_id, pos_config_id))`.execute(db);
    await sql`insert into user_pos_configs (user_id, pos_config_id)
      select distinct s.opened_by, s.pos_config_id from pos_sessions s join users u on u.id = s.opened_by where u.role = 'cashier'`.execute(db);
  },
};

/**
 * Commands queued before the contract's words were stored under the former kinds (`pay`, `cancel`,
 * `recover`, `release`; their other fields already had the contract's names): rewritten once, in
 * the column and in the payload, so the server reads stored commands in the contract's words only.
 */
const currentCommandWords: Migration = {
  async up(db) {
    await sql`
      update box_commands
      set kind = w.current,
        payload = case when jsonb_typeof(payload) = 'object' and payload->>'kind' = w.former then jsonb_set(payload, '{kind}', to_jsonb(w.current)) else payload end
      from (values ('pay', 'startTransaction'), ('cancel', 'cancelTransaction'), ('recover', 'recoverTransaction'), ('release', 'releaseTransaction'))
        as w(former, current)
      where box_commands.kind = w.former or (jsonb_typeof(box_commands.payload) = 'object' and box_commands.payload->>'kind' = w.former)`.execute(db);
  },
};

/**
 * The shop (location) of each POS configuration, a short text, so that managers and admins can
 * follow one shop's tills live. A shop change, like a POS's methods, is announced on the tills
 * channel: the streams that follow a shop read again which tills it has.
 */
const posShops: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`alter table pos_configs add column shop text`.execute(db);
    await sql`create index pos_configs_shop on pos_configs (shop) where shop is not null`.execute(db);
    await sql`create trigger pos_configs_tills after insert or update of shop on pos_configs for each statement execute function kassa_tills_configured()`.execute(
      db,
    );
  },
};

export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_initial': initial,
  '0002_box_uplink': boxUplink,
  '0003_login_rate_limits': loginRateLimits,
  '0004_history_event_ids': historyEventIds,
  '0005_payment_children_unchecked': paymentChildrenUnchecked,
  '0006_order_payments_version': orderPaymentsVersion,
  '0007_payment_trust': paymentTrust,
  '0008_device_approval': deviceApproval,
  '0009_manager_role': managerRole,
  '0010_trust_boundaries_at_rest': trustBoundariesAtRest,
  '0011_setup_and_pairing_codes': setupAndPairingCodes,
  '0012_cash_tender': cashTender,
  '0013_commit_ordered_events': commitOrderedEvents,
  '0014_refunds': refunds,
  '0015_order_cancellation': orderCancellation,
  '0016_archiving': archiving,
  '0017_rescope_on_configuration': rescopeOnConfiguration,
  '0018_announced_events': announcedEvents,
  '0019_user_tills': userTills,
  // 0020 is a number kept for a migration written on another branch.
  '0021_current_command_words': currentCommandWords,
  '0022_pos_shops': posShops,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};
