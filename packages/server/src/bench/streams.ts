import type { BoxEvent, BoxEventMessage } from '@kassa/contract';
import { transactionIdFromUuid } from '@kassa/contract';
import { randomBytes, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pino from 'pino';
import { adminQuery, BENCH_DATABASE_URL as DATABASE_URL } from './database.js';
import { randomToken, sha256 } from '../auth/tokens.js';
import type { Database } from '../db/database.js';
import { openDatabase } from '../db/database.js';
import { computeOrderTotals } from '../domain/totals.js';
import { createAuthSession } from '../repos/auth-sessions.js';
import { csrfTokenOf } from '../services/auth.js';
import type { ServiceContext } from '../services/context.js';
import { requestPayment } from '../services/payments.js';
import { validateOrder } from '../services/sales.js';
import { EventInbox } from '../uplink/event-inbox.js';
import type { Child } from './children.js';
import { freePort, runCli, until } from './children.js';
import { serviceContext } from './shop.js';
import { percentile, round } from './stats.js';
import type { StreamEvent } from './stream-check.js';
import { eventKey, FrameReader, StreamIsolation, TillMap } from './stream-check.js';

/**
 * A chain's live events: one kassa-server process on PostgreSQL with 1,000 tills, cashier streams
 * over them (500, 1,000 then 2,000: one, then two a till) and 10 admin streams following
 * everything, while card payments are made at 300 a second across all the tills.
 *
 * Each payment is written by the product's own code, with real rows, as a card payment is: the
 * cashier's request (requestPayment: the payment, its history, the box command, the announced
 * event), the box's transactionSent and, a terminal's time later (KASSA_BENCH_TERMINAL_MS), its
 * approved transactionResult with a ticket, given to an EventInbox per box as the uplink's link
 * does (it applies them in batches through applyBoxEvents and writeBatch: history, states, tickets,
 * announced events), and the order's validation (validateOrder: paid, receipt number, its event
 * through the trigger). What is simulated: the cashier's HTTP request and the box's WebSocket with
 * its terminal; the writing runs in the bench's process, the streams in the server's.
 *
 * Every cashier stream checks each event it receives against its own till (the payment's order,
 * the order's id and session): a foreign event fails the bench. Measured per size: commit →
 * delivered on the till's own streams (and on the admin streams), the bytes each stream received a
 * minute, the server process's CPU and peak RSS. Then the old broadcast shape for comparison: every
 * stream following everything, which is what every stream received before scoping.
 */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const TILLS = Number(process.env['KASSA_BENCH_TILLS'] ?? 1000);
const SIZES = (process.env['KASSA_BENCH_STREAMS'] ?? '500,1000,2000').split(',').map(Number);
const ADMIN_STREAMS = Number(process.env['KASSA_BENCH_ADMIN_STREAMS'] ?? 10);
const RATE = Number(process.env['KASSA_BENCH_RATE'] ?? 300);
const SECONDS = Number(process.env['KASSA_BENCH_SECONDS'] ?? 15);
/** The broadcast shape sends every event to every stream: a lower rate keeps it measurable. */
const BROADCAST_RATE = Number(process.env['KASSA_BENCH_BROADCAST_RATE'] ?? 10);
const BROADCAST_SECONDS = Number(process.env['KASSA_BENCH_BROADCAST_SECONDS'] ?? 10);
/** Goal of issue 17: commit → delivered p99 on the till's own stream. */
const TARGET_P99_MS = 100;
const PRICE_CENTS = 1250;
const TILLS_PER_BOX = 10;
/** The writer's database connections: the server's default pool, as one process would have. */
const POOL = Number(process.env['KASSA_BENCH_POOL'] ?? 10);
/** The terminal's time between taking the transaction and its result (a card read, a PIN). */
const TERMINAL_MS = Number(process.env['KASSA_BENCH_TERMINAL_MS'] ?? 1000);

const SIMULATED =
  'simulated: the cashier’s HTTP request, and the box’s WebSocket with its terminal (the bench makes the box’s events, the result a terminal time after the start); ' +
  'written by the product’s own code (requestPayment; the uplink’s EventInbox a box, which applies the events in batches; validateOrder) with real rows, in the bench process';

interface Till {
  readonly posId: number;
  readonly sessionId: number;
  readonly userId: number;
  readonly methodId: number;
  readonly boxId: string;
  readonly terminalId: string;
  /** Draft orders left to pay, one a payment. */
  readonly orders: string[];
  busy: boolean;
}

interface Chain {
  readonly tills: readonly Till[];
  readonly map: TillMap;
  /** A signed-in session per till's cashier, as a cookie. */
  readonly cashierCookies: readonly string[];
  readonly adminCookie: string;
}

/**
 * Tills set-wise: a box per ten tills, a terminal a till approved and online, a card method using
 * it, a POS with that method and an open session of its cashier, and draft orders of one product
 * enough for every payment of the run; signed-in sessions for the cashiers and an admin.
 */
async function seedChain(database: Database, ordersPerTill: number): Promise<Chain> {
  const db = database.db;
  const totals = computeOrderTotals({ lines: [{ unitPriceCents: PRICE_CENTS, quantity: 1, vatRate: 21 }] });
  await sql`insert into users (username, password_hash, role) select 'cashier-' || n, 'not used', 'cashier' from generate_series(1, ${TILLS}::integer) n`.execute(
    db,
  );
  await sql`insert into users (username, password_hash, role) values ('admin', 'not used', 'admin')`.execute(db);
  const journal = await db.insertInto('journals').values({ name: 'Bank', type: 'bank' }).returning('id').executeTakeFirstOrThrow();
  const product = await db
    .insertInto('products')
    .values({ name: 'Stoofvlees', price_cents: PRICE_CENTS, vat_rate: 21 })
    .returning('id')
    .executeTakeFirstOrThrow();
  const boxes = Math.ceil(TILLS / TILLS_PER_BOX);
  await sql`insert into boxes (id, name, token_hash) select 'box-' || b, 'Box ' || b, 'not used' from generate_series(1, ${boxes}::integer) b`.execute(db);
  await sql`
    insert into devices (box_id, terminal_id, type, make, model, online, last_seen_at, approval, approved_at)
    select 'box-' || (1 + (n - 1) / ${TILLS_PER_BOX}::integer), lpad(n::text, 8, '0'), 'payment', 'Ingenico', 'Lane/3000', true, now(), 'approved', now()
    from generate_series(1, ${TILLS}::integer) n`.execute(db);
  await sql`
    insert into payment_methods (name, kind, journal_id, terminal, device_id)
    select 'Card ' || d.terminal_id::integer, 'bank', ${journal.id}::integer, 'ingenico', d.id from devices d`.execute(db);
  await sql`insert into pos_configs (name) select 'Till ' || n from generate_series(1, ${TILLS}::integer) n`.execute(db);
  await sql`
    insert into pos_config_methods (pos_config_id, payment_method_id)
    select p.id, m.id from pos_configs p join payment_methods m on m.name = 'Card ' || substr(p.name, 6)`.execute(db);
  await sql`
    insert into pos_sessions (pos_config_id, opened_by, state, opening_cash_cents)
    select p.id, u.id, 'open', 0 from pos_configs p join users u on u.username = 'cashier-' || substr(p.name, 6)`.execute(db);
  await sql`
    insert into orders (id, session_id, state, total_cents, vat_cents, vat, created_by)
    select gen_random_uuid()::text, s.id, 'draft', ${totals.totalCents}::integer, ${totals.vatCents}::integer, ${JSON.stringify(totals.vat)}::jsonb, s.opened_by
    from pos_sessions s cross join generate_series(1, ${ordersPerTill}::integer)`.execute(db);
  await sql`
    insert into order_lines (order_id, position, product_id, name, quantity, unit_price_cents, vat_rate, total_cents)
    select o.id, 0, ${product.id}::integer, 'Stoofvlees', 1, ${PRICE_CENTS}::integer, 21, ${totals.totalCents}::integer from orders o`.execute(db);
  await sql`analyze`.execute(db);
  const { rows } = await sql<{
    pos_id: number;
    session_id: number;
    user_id: number;
    method_id: number;
    box_id: string;
    terminal_id: string;
    device_id: number;
  }>`
    select p.id as pos_id, s.id as session_id, s.opened_by as user_id, m.id as method_id, d.box_id, d.terminal_id, d.id as device_id
    from pos_configs p join pos_sessions s on s.pos_config_id = p.id
      join pos_config_methods pcm on pcm.pos_config_id = p.id join payment_methods m on m.id = pcm.payment_method_id join devices d on d.id = m.device_id
    order by p.id`.execute(db);
  const orders = await db.selectFrom('orders').select(['id', 'session_id']).execute();
  const map = new TillMap();
  const bySession = new Map<number, Till>();
  const tills = rows.map((r) => {
    map.addSession(r.session_id, r.pos_id);
    map.addDevice(r.device_id, r.pos_id);
    const till: Till = {
      posId: r.pos_id,
      sessionId: r.session_id,
      userId: r.user_id,
      methodId: r.method_id,
      boxId: r.box_id,
      terminalId: r.terminal_id,
      orders: [],
      busy: false,
    };
    bySession.set(r.session_id, till);
    return till;
  });
  for (const o of orders) {
    const till = bySession.get(o.session_id);
    if (till === undefined) continue;
    till.orders.push(o.id);
    map.addOrder(o.id, till.posId);
  }
  const expiresAt = new Date(Date.now() + 24 * 3600_000);
  const session = async (userId: number): Promise<string> => {
    const token = randomToken();
    await createAuthSession(db, { idHash: sha256(token), userId, csrfTokenHash: sha256(csrfTokenOf(token)), expiresAt });
    return `kassa_session=${token}`;
  };
  const cashierCookies: string[] = [];
  for (let i = 0; i < Math.max(...SIZES); i++) cashierCookies.push(await session(tills[i % tills.length]!.userId));
  const admin = await db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow();
  return { tills, map, cashierCookies, adminCookie: await session(admin.id) };
}

/** One open event stream: what it received, when, and for a cashier's, its isolation check. */
interface Stream {
  readonly reader: FrameReader;
  /** Each event received, by its key (see eventKey), with the time it was read. */
  readonly arrivals: [string, number][];
  readonly isolation: StreamIsolation | null;
  close(): void;
}

function openStream(port: number, cookie: string, isolation: StreamIsolation | null): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const reader = new FrameReader();
    const arrivals: [string, number][] = [];
    const received = (event: StreamEvent, at: number): void => {
      const key = eventKey(event);
      // A foreign event is counted by the check and not taken as a delivery.
      if (isolation !== null && !isolation.check(event)) return;
      if (key !== null) arrivals.push([key, at]);
    };
    const req = request({ host: '127.0.0.1', port, path: '/api/events', headers: { cookie, accept: 'text/event-stream' } }, (response: IncomingMessage) => {
      if (response.statusCode !== 200) {
        reject(new Error(`GET /api/events answered ${response.statusCode}`));
        return;
      }
      response.on('data', (chunk: Buffer) => {
        const at = performance.now();
        for (const event of reader.push(chunk)) received(event, at);
      });
      resolve({ reader, arrivals, isolation, close: () => req.destroy() });
    });
    req.on('error', (error) => reject(error));
    req.end();
  });
}

interface ProcessReading {
  readonly cpuMs: number;
  readonly rssBytes: number;
}

function readProcess(pid: number): ProcessReading {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuMs: (Number(fields[11]) + Number(fields[12])) * 10, rssBytes: rssKb * 1024 };
}

interface Latency {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

interface RoundResult {
  readonly shape: 'scoped' | 'broadcast';
  /** A size of the growth at the offered rate, or a round of the comparison with the broadcast shape. */
  readonly purpose: 'growth' | 'comparison';
  /** Cashier streams (in the broadcast shape: streams following everything). */
  readonly streams: number;
  readonly adminStreams: number;
  readonly paymentsPerSecond: number;
  readonly seconds: number;
  /** From the first payment to the last one's last commit. */
  readonly writingSeconds: number;
  readonly paymentsWritten: number;
  /** Payments not started because the till's previous one was still running. */
  readonly paymentsSkipped: number;
  readonly eventsWritten: number;
  readonly framesDelivered: number;
  readonly framesExpected: number;
  /** Commit → delivered on the cashier streams (their own till's events), in ms. */
  readonly latencyMs: Latency;
  readonly adminLatencyMs: Latency | null;
  /** Average bytes each stream received a minute while the payments were written. */
  readonly bytesPerStreamPerMinute: { readonly cashier: number; readonly admin: number | null };
  readonly foreignEvents: { readonly total: number; readonly mostOnOneStream: number; readonly streams: number; readonly samples: readonly string[] };
  readonly serverCpuPercent: number;
  readonly serverRssMiB: number;
  /** The bench process: the payment writer and every stream's client. */
  readonly benchCpuPercent: number;
}

function latencyOf(streams: readonly Stream[], committedAt: ReadonlyMap<string, number>): Latency {
  const samples: number[] = [];
  for (const stream of streams)
    for (const [key, at] of stream.arrivals) {
      const committed = committedAt.get(key);
      // Read before the writer saw its commit return: delivered at once.
      if (committed !== undefined) samples.push(Math.max(0, at - committed));
    }
  return {
    p50: round(percentile(samples, 50), 1),
    p95: round(percentile(samples, 95), 1),
    p99: round(percentile(samples, 99), 1),
    max: round(percentile(samples, 100), 1),
  };
}

let boxEventSequence = 0;

/**
 * The boxes' side of the uplink in this process: an EventInbox a box, as a link holds it (batches,
 * workers, the payments it knows from their start commands), fed with the events the bench makes
 * for the box; `sent` resolves when the inbox acknowledges the event, after its commit.
 */
class Boxes {
  readonly #inboxes = new Map<string, EventInbox>();
  readonly #acked = new Map<string, () => void>();
  readonly #failed = new Map<string, (error: Error) => void>();

  constructor(readonly ctx: ServiceContext) {
    // A start command queued by a payment request reaches the link of its box in this process.
    ctx.links.attach((command, started) => {
      if (started !== undefined) this.#inbox(command.boxId).remember(started.payment, started.version, started.posId);
    });
  }

  sent(boxId: string, event: BoxEvent): Promise<void> {
    const message: BoxEventMessage = { type: 'event', id: `bench:${++boxEventSequence}`, at: new Date().toISOString(), event };
    return new Promise((resolve, reject) => {
      this.#acked.set(message.id, resolve);
      this.#failed.set(message.id, reject);
      this.#inbox(boxId).push(message);
    });
  }

  #inbox(boxId: string): EventInbox {
    let inbox = this.#inboxes.get(boxId);
    if (inbox === undefined) {
      const settle = (id: string, error?: Error): void => {
        const done = error === undefined ? this.#acked.get(id) : () => this.#failed.get(id)?.(error);
        this.#acked.delete(id);
        this.#failed.delete(id);
        done?.();
      };
      inbox = new EventInbox({
        boxId,
        ctx: this.ctx,
        log: pino({ level: 'warn' }),
        ack: (message) => message.ids.forEach((id) => settle(id)),
        notStored: (id) => settle(id, new Error(`box event ${id} not stored`)),
        failed: (error) => {
          for (const id of [...this.#failed.keys()]) settle(id, error instanceof Error ? error : new Error(String(error)));
        },
      });
      this.#inboxes.set(boxId, inbox);
    }
    return inbox;
  }
}

/**
 * One card payment of a till, as the product writes it: the cashier's request (one commit), the
 * box's transactionSent and, a terminal's time later, its approved result with a ticket (applied by
 * the box's inbox in batches with the other payments' events of that box), then the order's
 * validation (one commit). `committed` is told the key of each event when its commit returns. The
 * till is busy meanwhile: its terminal takes one payment at a time.
 */
async function cardPayment(ctx: ServiceContext, boxes: Boxes, till: Till, committed: (key: string) => void): Promise<void> {
  const orderId = till.orders.pop();
  if (orderId === undefined) throw new Error(`till ${till.posId} has no draft order left`);
  const uuid = randomUUID();
  const requested = await requestPayment(ctx, uuid, { orderId, paymentMethodId: till.methodId, amountCents: PRICE_CENTS }, till.userId);
  if (!requested.created || requested.payment.state !== 'pending') throw new Error(`payment ${uuid} was not requested: ${JSON.stringify(requested)}`);
  committed(`payment:${uuid}:requested`);
  // The payment's own transaction, as a box derives it: the server believes no other.
  const transactionId = transactionIdFromUuid(uuid).toString();
  await boxes.sent(till.boxId, { kind: 'transactionSent', paymentUuid: uuid, terminalId: till.terminalId, transactionId, amountCents: PRICE_CENTS });
  committed(`payment:${uuid}:accepted`);
  await new Promise((resolve) => setTimeout(resolve, TERMINAL_MS));
  const ticket = { type: 1, header: null, text: `KAART: BANCONTACT\nBEDRAG: EUR 12,50\nAUT. CODE: A1B2C3\nTRX ${transactionId}\n`.repeat(4), footer: null };
  await boxes.sent(till.boxId, {
    kind: 'transactionResult',
    paymentUuid: uuid,
    terminalId: till.terminalId,
    transactionId,
    result: 'Approved',
    resultId: 0,
    amountCents: PRICE_CENTS,
    authorisationCode: 'A1B2C3',
    cardBrand: 'Bancontact',
    tickets: [ticket],
    recovered: false,
  });
  committed(`payment:${uuid}:approved`);
  await validateOrder(ctx, orderId);
  committed(`order:${orderId}:paid`);
}

/**
 * Opens the streams, writes card payments at `rate` a second for `seconds` across all the tills,
 * waits for every stream to have its events, and measures.
 */
async function runRound(args: {
  ctx: ServiceContext;
  boxes: Boxes;
  chain: Chain;
  port: number;
  serverPid: number;
  shape: 'scoped' | 'broadcast';
  purpose: 'growth' | 'comparison';
  streams: number;
  adminStreams: number;
  rate: number;
  seconds: number;
}): Promise<RoundResult> {
  const { ctx, chain, port, serverPid, shape, rate, seconds } = args;
  const committedAt = new Map<string, number>();
  /** Events written of each POS, to know what each cashier stream must receive. */
  const writtenOf = new Map<number, number>();
  const cashier: Stream[] = [];
  for (let i = 0; i < args.streams; i++) {
    const till = chain.tills[i % chain.tills.length]!;
    cashier.push(
      shape === 'scoped'
        ? await openStream(port, chain.cashierCookies[i]!, new StreamIsolation(till.posId, chain.map))
        : await openStream(port, chain.adminCookie, null),
    );
  }
  const admin: Stream[] = [];
  for (let i = 0; i < args.adminStreams; i++) admin.push(await openStream(port, chain.adminCookie, null));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  let written = 0;
  let payments = 0;
  let skipped = 0;
  const inFlight = new Set<Promise<void>>();
  const failures: unknown[] = [];
  const pay = (n: number): void => {
    const till = chain.tills[n % chain.tills.length]!;
    if (till.busy) {
      skipped++;
      return;
    }
    till.busy = true;
    const committed = (key: string): void => {
      committedAt.set(key, performance.now());
      writtenOf.set(till.posId, (writtenOf.get(till.posId) ?? 0) + 1);
      written++;
    };
    const job = cardPayment(ctx, args.boxes, till, committed)
      .then(
        () => void payments++,
        (error: unknown) => void failures.push(error),
      )
      .finally(() => {
        till.busy = false;
        inFlight.delete(job);
      });
    inFlight.add(job);
  };
  const all = [...cashier, ...admin];
  const bytesBefore = all.map((s) => s.reader.bytes);
  const before = readProcess(serverPid);
  const benchBefore = process.cpuUsage();
  const started = performance.now();
  let issued = 0;
  let peakRss = before.rssBytes;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = (performance.now() - started) / 1000;
      const due = Math.min(Math.floor(elapsed * rate), rate * seconds);
      while (issued < due) pay(issued++);
      peakRss = Math.max(peakRss, readProcess(serverPid).rssBytes);
      if (issued >= rate * seconds) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  await Promise.all([...inFlight]);
  const writingMs = performance.now() - started;
  if (failures.length > 0) throw new Error(`${failures.length} payment(s) failed; the first: ${String(failures[0])}`);
  const expectedOf = (stream: Stream): number => (stream.isolation === null ? written : (writtenOf.get(stream.isolation.posId) ?? 0));
  const expected = all.reduce((sum, s) => sum + expectedOf(s), 0);
  const delivered = (): number => all.reduce((sum, s) => sum + s.arrivals.length, 0);
  await until('every stream to have its events', async () => all.every((s) => s.arrivals.length >= expectedOf(s)), 30_000).catch(() => undefined);
  const elapsedMs = performance.now() - started;
  const after = readProcess(serverPid);
  const benchSpent = process.cpuUsage(benchBefore);
  peakRss = Math.max(peakRss, after.rssBytes);
  // Bytes received while the payments were written (and their events delivered), per minute of writing.
  const perMinute = (streams: readonly Stream[], offset: number): number | null =>
    streams.length === 0
      ? null
      : round(streams.reduce((sum, s, i) => sum + s.reader.bytes - (bytesBefore[i + offset] ?? 0), 0) / streams.length / (writingMs / 60_000), 0);
  for (const stream of all) stream.close();
  const foreign = cashier.map((s) => s.isolation?.foreign ?? 0);
  return {
    shape,
    purpose: args.purpose,
    streams: cashier.length,
    adminStreams: admin.length,
    paymentsPerSecond: rate,
    seconds,
    writingSeconds: round(writingMs / 1000, 1),
    paymentsWritten: payments,
    paymentsSkipped: skipped,
    eventsWritten: written,
    framesDelivered: delivered(),
    framesExpected: expected,
    latencyMs: latencyOf(cashier, committedAt),
    adminLatencyMs: admin.length === 0 ? null : latencyOf(admin, committedAt),
    bytesPerStreamPerMinute: { cashier: perMinute(cashier, 0) ?? 0, admin: perMinute(admin, cashier.length) },
    foreignEvents: {
      total: foreign.reduce((a, b) => a + b, 0),
      mostOnOneStream: Math.max(0, ...foreign),
      streams: foreign.filter((f) => f > 0).length,
      samples: cashier.flatMap((s) => s.isolation?.samples ?? []).slice(0, 5),
    },
    serverCpuPercent: round(((after.cpuMs - before.cpuMs) / elapsedMs) * 100, 1),
    serverRssMiB: round(peakRss / 1024 / 1024, 0),
    benchCpuPercent: round(((benchSpent.user + benchSpent.system) / 1000 / elapsedMs) * 100, 1),
  };
}

function kib(bytes: number | null): string {
  return bytes === null ? '—' : `${round(bytes / 1024, 1)} KiB`;
}

function line(r: RoundResult): string {
  const l = r.latencyMs;
  const a = r.adminLatencyMs;
  return (
    `${r.shape}: ${r.streams} ${r.shape === 'scoped' ? 'cashier' : 'following-everything'} streams + ${r.adminStreams} admin, ` +
    `${r.paymentsPerSecond} payments/s offered for ${r.seconds} s: ${r.paymentsWritten} paid (${r.paymentsSkipped} skipped, till busy), ${r.eventsWritten} events; ` +
    `${r.framesDelivered}/${r.framesExpected} frames delivered; till's own stream: commit → delivered p50 ${l.p50} p95 ${l.p95} p99 ${l.p99} max ${l.max} ms` +
    `${a === null ? '' : `; admin streams p50 ${a.p50} p99 ${a.p99} ms`}; a stream a minute: cashier ${kib(r.bytesPerStreamPerMinute.cashier)}, admin ${kib(r.bytesPerStreamPerMinute.admin)}; ` +
    `foreign events ${r.foreignEvents.total} (most on one stream ${r.foreignEvents.mostOnOneStream}); ` +
    `server CPU ${r.serverCpuPercent}% of one core, RSS peak ${r.serverRssMiB} MiB; bench process CPU ${r.benchCpuPercent}%`
  );
}

interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: string;
  readonly bound?: string;
}

const MACHINE_BOUND = 'one shared 2-core machine: PostgreSQL, the server and the bench process (the payment writer and every stream’s client)';

/** The figures `npm run bench` shows in BENCHMARKS.md, by size of the scoped rounds. */
function figures(results: readonly RoundResult[]): Figure[] {
  return results
    .filter((r) => r.purpose === 'growth')
    .flatMap((r) => {
      const label = `Live streams (one run): ${r.streams} cashier streams over ${TILLS} tills + ${r.adminStreams} admin, ${r.paymentsPerSecond} card payments/s offered`;
      const list: Figure[] = [
        {
          name: `${label}: card payments written`,
          value: round(r.paymentsWritten / r.writingSeconds, 0),
          unit: 'payments/s',
          target: `${r.paymentsPerSecond} payments/s`,
          bound: `${r.paymentsWritten} in ${r.writingSeconds} s (${r.paymentsSkipped} not started: the till’s previous one still ran); ${SIMULATED}`,
        },
        { name: `${label}: commit → delivered on the till’s own stream p50`, value: r.latencyMs.p50, unit: 'ms', bound: MACHINE_BOUND },
        {
          name: `${label}: commit → delivered on the till’s own stream p99`,
          value: r.latencyMs.p99,
          unit: 'ms',
          target: `≤ ${TARGET_P99_MS} ms`,
          bound: MACHINE_BOUND,
        },
      ];
      if (r.adminLatencyMs !== null)
        list.push({ name: `${label}: commit → delivered on the admin streams p99`, value: r.adminLatencyMs.p99, unit: 'ms', bound: MACHINE_BOUND });
      list.push(
        {
          name: `${label}: bytes a cashier stream receives a minute`,
          value: round(r.bytesPerStreamPerMinute.cashier / 1024, 1),
          unit: 'KiB/min',
          bound: 'the events of its till (each carries the whole payment or order)',
        },
        ...(r.bytesPerStreamPerMinute.admin === null
          ? []
          : [
              {
                name: `${label}: bytes an admin stream receives a minute`,
                value: round(r.bytesPerStreamPerMinute.admin / 1024, 0),
                unit: 'KiB/min',
                bound: 'every event of the chain',
              },
            ]),
        {
          name: `${label}: events of another till received, the most on one stream`,
          value: r.foreignEvents.mostOnOneStream,
          unit: 'events',
          target: '0',
          bound: 'each cashier stream checks every event it receives against its till (order, session)',
        },
        { name: `${label}: frames not delivered`, value: r.framesExpected - r.framesDelivered, unit: 'frames', target: '0' },
        { name: `${label}: server CPU`, value: r.serverCpuPercent, unit: '% of one core', bound: 'the server process only: its streams and its listening' },
        { name: `${label}: server RSS, peak`, value: r.serverRssMiB, unit: 'MiB' },
      );
      return list;
    });
}

async function main(): Promise<void> {
  const name = `kassa_bench_streams_${randomBytes(4).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: POOL });
  let server: Child | null = null;
  try {
    const seeding = performance.now();
    const payments = RATE * SECONDS * SIZES.length + (BROADCAST_SECONDS > 0 ? BROADCAST_RATE * BROADCAST_SECONDS * 2 : 0);
    const chain = await seedChain(database, Math.ceil(payments / TILLS) + 2);
    process.stdout.write(
      `${TILLS} tills, ${Math.max(...SIZES)} cashier and 1 admin sessions seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(', ')}\n${SIMULATED}\n`,
    );
    const port = await freePort();
    server = runCli(ROOT, 'packages/server/bin/kassa-server.js', [
      '--database-url',
      url.toString(),
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--log-level',
      'warn',
    ]);
    await until('the server to answer', async () => (await fetch(`http://127.0.0.1:${port}/api/healthz`).catch(() => null))?.ok === true);
    const serverPid = server.process.pid ?? 0;
    const idle = readProcess(serverPid);
    process.stdout.write(`server idle: RSS ${Math.round(idle.rssBytes / 1024 / 1024)} MiB\n`);
    const ctx = serviceContext(database);
    const base = { ctx, boxes: new Boxes(ctx), chain, port, serverPid };
    const results: RoundResult[] = [];
    for (const streams of SIZES) {
      results.push(await runRound({ ...base, shape: 'scoped', purpose: 'growth', streams, adminStreams: ADMIN_STREAMS, rate: RATE, seconds: SECONDS }));
      process.stdout.write(`${line(results.at(-1)!)}\n`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    if (BROADCAST_SECONDS > 0) {
      const streams = Math.max(...SIZES);
      for (const shape of ['scoped', 'broadcast'] as const) {
        results.push(await runRound({ ...base, shape, purpose: 'comparison', streams, adminStreams: 0, rate: BROADCAST_RATE, seconds: BROADCAST_SECONDS }));
        process.stdout.write(`${line(results.at(-1)!)}\n`);
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    }
    const record = {
      kind: 'kassa-streams-run',
      package: 'server',
      command: 'npm run bench:streams -w @kassa/server',
      finishedAt: new Date().toISOString(),
      machine: `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}`,
      loadAverage: loadavg().map((l) => round(l, 1)),
      tills: TILLS,
      simulated: SIMULATED,
      idleRssMiB: round(idle.rssBytes / 1024 / 1024, 0),
      results,
      figures: figures(results),
    };
    const out = join(ROOT, 'test-output', 'bench');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'server-streams.json'), `${JSON.stringify(record, null, 2)}\n`);
    process.stdout.write(
      `written ${join('test-output', 'bench', 'server-streams.json')} (keep it in packages/server/bench-records/ to show it in BENCHMARKS.md as a record)\n`,
    );
    const leaks = results.filter((r) => r.foreignEvents.total > 0);
    if (leaks.length > 0) {
      for (const r of leaks)
        process.stderr.write(
          `FOREIGN EVENTS: ${r.shape} ${r.streams} streams: ${r.foreignEvents.total} on ${r.foreignEvents.streams} stream(s): ${r.foreignEvents.samples.join('; ')}\n`,
        );
      throw new Error('a cashier stream received events of another till');
    }
  } finally {
    await server?.stop();
    await database.close();
    await adminQuery(`drop database if exists ${name} with (force)`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
