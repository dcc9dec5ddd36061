import type { LiveEventData } from '@kassa/contract';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { adminQuery, BENCH_DATABASE_URL as DATABASE_URL } from './database.js';
import { randomToken, sha256 } from '../auth/tokens.js';
import type { Database } from '../db/database.js';
import { openDatabase } from '../db/database.js';
import { createAuthSession } from '../repos/auth-sessions.js';
import { appendEvent } from '../repos/events.js';
import { csrfTokenOf } from '../services/auth.js';
import type { Child } from './children.js';
import { freePort, runCli, until } from './children.js';
import { percentile, round } from './stats.js';

/**
 * A chain's live events: one kassa-server process on PostgreSQL, thousands of open event streams
 * (two per till: the till and a second screen), and payments written at a steady rate, each as
 * the events a card payment makes (requested; then done with its order paid, in one commit).
 * Measures, per delivered event, the time from the writer's commit to the stream's reading it,
 * the frames the server sends a second, and the server process's CPU and memory. Then the old
 * broadcast shape for comparison: every stream following everything (the managers' choice), which
 * is what every stream received before streams were scoped to their till.
 */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const TILLS = Number(process.env['KASSA_BENCH_TILLS'] ?? 1000);
const STREAMS = Number(process.env['KASSA_BENCH_STREAMS'] ?? 2000);
const RATE = Number(process.env['KASSA_BENCH_RATE'] ?? 300);
const SECONDS = Number(process.env['KASSA_BENCH_SECONDS'] ?? 20);
/** The broadcast shape sends every event to every stream: a lower rate keeps it measurable. */
const BROADCAST_RATE = Number(process.env['KASSA_BENCH_BROADCAST_RATE'] ?? 10);
const BROADCAST_SECONDS = Number(process.env['KASSA_BENCH_BROADCAST_SECONDS'] ?? 10);
const EVENTS_PER_PAYMENT = 3;

interface Chain {
  readonly orderOfTill: readonly { orderId: string; sessionId: number }[];
  readonly cashierCookies: readonly string[];
  readonly managerCookie: string;
}

/** Tills, their cashiers with an open session each, a draft order per session, and signed-in sessions, written set-wise. */
async function seedChain(database: Database): Promise<Chain> {
  const db = database.db;
  await sql`insert into users (username, password_hash, role) select 'cashier-' || n, 'not used', 'cashier' from generate_series(1, ${TILLS}::integer) n`.execute(
    db,
  );
  await sql`insert into users (username, password_hash, role) values ('manager', 'not used', 'manager')`.execute(db);
  await sql`insert into pos_configs (name) select 'Till ' || n from generate_series(1, ${TILLS}::integer) n`.execute(db);
  await sql`
    insert into pos_sessions (pos_config_id, opened_by, state, opening_cash_cents)
    select p.id, u.id, 'open', 0 from pos_configs p join users u on u.username = 'cashier-' || substr(p.name, 6)`.execute(db);
  const { rows } = await sql<{ id: string; session_id: number; opened_by: number }>`
    insert into orders (id, session_id, state, total_cents, vat_cents, vat, created_by)
    select gen_random_uuid()::text, s.id, 'draft', 1250, 217, '[]'::jsonb, s.opened_by from pos_sessions s
    returning id, session_id, created_by as opened_by`.execute(db);
  const expiresAt = new Date(Date.now() + 24 * 3600_000);
  const session = async (userId: number): Promise<string> => {
    const token = randomToken();
    await createAuthSession(db, { idHash: sha256(token), userId, csrfTokenHash: sha256(csrfTokenOf(token)), expiresAt });
    return `kassa_session=${token}`;
  };
  const cashierCookies: string[] = [];
  for (let i = 0; i < STREAMS; i++) cashierCookies.push(await session(rows[i % rows.length]!.opened_by));
  const manager = await db.selectFrom('users').select('id').where('username', '=', 'manager').executeTakeFirstOrThrow();
  return { orderOfTill: rows.map((r) => ({ orderId: r.id, sessionId: r.session_id })), cashierCookies, managerCookie: await session(manager.id) };
}

/** An event stream that notes when each event (by its `seq`) arrived. */
interface Stream {
  close(): void;
}

function openStream(port: number, cookie: string, onEvent: (seq: number, at: number) => void): Promise<Stream> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const req = request({ host: '127.0.0.1', port, path: '/api/events', headers: { cookie, accept: 'text/event-stream' } }, (response: IncomingMessage) => {
      if (response.statusCode !== 200) {
        reject(new Error(`GET /api/events answered ${response.statusCode}`));
        return;
      }
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        const at = performance.now();
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const found = /"seq":(\d+)/.exec(message);
          if (found !== null) onEvent(Number(found[1]), at);
          end = buffer.indexOf('\n\n');
        }
      });
      resolve({ close: () => req.destroy() });
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

interface RoundResult {
  readonly shape: string;
  readonly streams: number;
  readonly paymentsPerSecond: number;
  readonly seconds: number;
  readonly eventsWritten: number;
  readonly framesDelivered: number;
  readonly framesExpected: number;
  readonly latencyMs: { p50: number; p95: number; p99: number; max: number };
  readonly serverCpuPercent: number;
  readonly serverRssMiB: number;
}

/**
 * Writes payments at `rate` a second for `seconds` across the tills, two commits each; every
 * event carries a sequence number, and its commit time is noted when the commit returns.
 */
async function runRound(args: {
  database: Database;
  chain: Chain;
  port: number;
  serverPid: number;
  shape: 'scoped' | 'broadcast';
  rate: number;
  seconds: number;
}): Promise<RoundResult> {
  const { database, chain, port, serverPid, shape, rate, seconds } = args;
  const committedAt = new Map<number, number>();
  const arrivals: [number, number][] = [];
  const cookies = shape === 'scoped' ? chain.cashierCookies : chain.cashierCookies.map(() => chain.managerCookie);
  const streams: Stream[] = [];
  for (const cookie of cookies) streams.push(await openStream(port, cookie, (seq, at) => arrivals.push([seq, at])));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  let seq = 0;
  let written = 0;
  const inFlight = new Set<Promise<void>>();
  const pay = (n: number): void => {
    const till = chain.orderOfTill[n % chain.orderOfTill.length]!;
    const uuid = `bench-${n}`;
    // The bench measures delivery, not content: small stand-ins for the payment and order views.
    const payment = (state: string, s: number) => ({ payment: { uuid, orderId: till.orderId, state, seq: s } }) as unknown as LiveEventData<'payment'>;
    const run = async (): Promise<void> => {
      const first = ++seq;
      await database.db.transaction().execute((trx) => appendEvent(trx, { topic: 'payment', audience: 'cashier', data: payment('pending', first) }));
      committedAt.set(first, performance.now());
      const done = ++seq;
      const paid = ++seq;
      await database.db.transaction().execute(async (trx) => {
        await appendEvent(trx, { topic: 'payment', audience: 'cashier', data: payment('done', done) });
        await appendEvent(trx, {
          topic: 'order',
          audience: 'cashier',
          data: { order: { id: till.orderId, sessionId: till.sessionId, state: 'paid', seq: paid } } as unknown as LiveEventData<'order'>,
        });
      });
      const at = performance.now();
      committedAt.set(done, at);
      committedAt.set(paid, at);
      written += EVENTS_PER_PAYMENT;
    };
    const job = run().finally(() => inFlight.delete(job));
    inFlight.add(job);
  };
  const before = readProcess(serverPid);
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
  const expectedPerEvent = shape === 'scoped' ? STREAMS / TILLS : STREAMS;
  const expected = written * expectedPerEvent;
  await until('every stream to have its events', async () => arrivals.length >= expected, 60_000).catch(() => undefined);
  const elapsedMs = performance.now() - started;
  const after = readProcess(serverPid);
  for (const stream of streams) stream.close();
  const latencies = arrivals.map(([s, at]) => at - (committedAt.get(s) ?? at));
  return {
    shape,
    streams: streams.length,
    paymentsPerSecond: rate,
    seconds,
    eventsWritten: written,
    framesDelivered: arrivals.length,
    framesExpected: expected,
    latencyMs: {
      p50: round(percentile(latencies, 50), 1),
      p95: round(percentile(latencies, 95), 1),
      p99: round(percentile(latencies, 99), 1),
      max: round(percentile(latencies, 100), 1),
    },
    serverCpuPercent: round(((after.cpuMs - before.cpuMs) / elapsedMs) * 100, 1),
    serverRssMiB: round(peakRss / 1024 / 1024, 0),
  };
}

function line(r: RoundResult): string {
  const sent = r.framesDelivered / r.seconds;
  return (
    `${r.shape}: ${r.streams} streams, ${r.paymentsPerSecond} payments/s for ${r.seconds} s (${r.eventsWritten} events): ` +
    `${r.framesDelivered}/${r.framesExpected} frames delivered (~${Math.round(sent)}/s over the writing); commit → delivery p50 ${r.latencyMs.p50} p95 ${r.latencyMs.p95} p99 ${r.latencyMs.p99} max ${r.latencyMs.max} ms; ` +
    `server CPU ${r.serverCpuPercent}% of one core, RSS peak ${r.serverRssMiB} MiB`
  );
}

async function main(): Promise<void> {
  const name = `kassa_bench_streams_${randomBytes(4).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 10 });
  let server: Child | null = null;
  try {
    const seeding = performance.now();
    const chain = await seedChain(database);
    process.stdout.write(`${TILLS} tills, ${STREAMS} signed-in streams seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s\n`);
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
    const results: RoundResult[] = [];
    results.push(await runRound({ database, chain, port, serverPid, shape: 'scoped', rate: RATE, seconds: SECONDS }));
    process.stdout.write(`${line(results[0]!)}\n`);
    if (BROADCAST_SECONDS > 0) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      results.push(await runRound({ database, chain, port, serverPid, shape: 'scoped', rate: BROADCAST_RATE, seconds: BROADCAST_SECONDS }));
      process.stdout.write(`${line(results[1]!)}\n`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      results.push(await runRound({ database, chain, port, serverPid, shape: 'broadcast', rate: BROADCAST_RATE, seconds: BROADCAST_SECONDS }));
      process.stdout.write(`${line(results[2]!)}\n`);
    }
    const record = {
      kind: 'kassa-streams-run',
      command: 'npm run bench:streams -w @kassa/server',
      finishedAt: new Date().toISOString(),
      machine: `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}`,
      loadAverage: loadavg().map((l) => round(l, 1)),
      tills: TILLS,
      idleRssMiB: round(idle.rssBytes / 1024 / 1024, 0),
      results,
    };
    const out = join(ROOT, 'test-output', 'bench');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'server-streams.json'), `${JSON.stringify(record, null, 2)}\n`);
    process.stdout.write(
      `written ${join('test-output', 'bench', 'server-streams.json')} (keep it in packages/server/bench-records/ to show it in BENCHMARKS.md)\n`,
    );
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
