import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { VOID_STATES, type PaymentState } from '@kassa/contract';
import type { Database } from '../db/database.js';
import { EVENTS_CHANNEL } from '../repos/events.js';
import type { ServiceContext } from '../services/context.js';
import { requestPayment } from '../services/payments.js';
import type { Shop, ShopTill } from './shop.js';
import { newOrder } from './shop.js';

/** When the live events showing the payment past pending and done arrived (performance.now()). */
interface Watched {
  waitingAt: number | null;
  doneAt: number | null;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Listens to the live events as a browser's event stream would (the same NOTIFY channel) and
 * notes when each watched payment was first shown past `pending` and when it was shown `done`.
 */
export class PaymentWatch {
  readonly #watched = new Map<string, Watched>();

  static async start(database: Database): Promise<PaymentWatch> {
    const watch = new PaymentWatch();
    await database.bus.listen(EVENTS_CHANNEL, (payload) => watch.#heard(payload));
    return watch;
  }

  expect(uuid: string): { settled: Promise<void>; timing: () => { waitingAt: number | null; doneAt: number | null } } {
    let entry!: Watched;
    const settled = new Promise<void>((resolve, reject) => {
      entry = { waitingAt: null, doneAt: null, resolve, reject };
    });
    this.#watched.set(uuid, entry);
    return { settled, timing: () => ({ waitingAt: entry.waitingAt, doneAt: entry.doneAt }) };
  }

  forget(uuid: string): void {
    this.#watched.delete(uuid);
  }

  #heard(payload: string): void {
    const now = performance.now();
    const event = JSON.parse(payload) as { topic?: string; data?: { payment?: { uuid?: string; state?: PaymentState } } };
    const payment = event.topic === 'payment' ? event.data?.payment : undefined;
    const entry = payment?.uuid === undefined ? undefined : this.#watched.get(payment.uuid);
    if (entry === undefined || payment?.state === undefined) return;
    if (payment.state !== 'pending' && entry.waitingAt === null) entry.waitingAt = now;
    if (payment.state === 'done') {
      entry.doneAt = now;
      entry.resolve();
    } else if (VOID_STATES.includes(payment.state) || payment.state === 'unknown') {
      entry.reject(new Error(`payment ${payment.uuid} ended ${payment.state}`));
    }
  }
}

/**
 * Where the time of each payment went, hop by hop, from the wall-clock stamps its history keeps:
 * the box's (`boxAt`, when it emitted the event) and the server's (`at`, when the batch that applied
 * it started writing). Box, server and bench share the machine's clock.
 */
export interface Hops {
  /** Request sent → the service answered: the payment stored, its command queued. */
  readonly stored: number[];
  /** Answered → the box sent the TransactionRequest to the terminal (its `transactionSent` event). */
  readonly toTerminal: number[];
  /** That event → its batch at the server (the uplink, the queue of its worker, any read). */
  readonly sentToBatch: number[];
  /** The batch → the live event showing `waiting` heard (the write, its commit and NOTIFY). */
  readonly batchToWaiting: number[];
  /** The terminal's result at the box → its batch at the server (journaled first). */
  readonly resultToBatch: number[];
  /** That batch → the live event showing `done` heard. */
  readonly batchToDone: number[];
}

export interface RoundResult {
  readonly payments: number;
  readonly seconds: number;
  /** Request sent → the live event that shows the payment past pending (waiting). */
  readonly toWaitingMs: readonly number[];
  /** Request sent → the service answered (the payment is stored and its command queued). */
  readonly requestMs: readonly number[];
  /** The box received the terminal's result → the live event that shows it done. */
  readonly resultToEventMs: readonly number[];
  readonly hops: Hops;
}

/** Wall-clock times (ms, sub-ms precision) of one payment as the bench saw it. */
interface Seen {
  readonly sent: number;
  readonly stored: number;
  readonly waiting: number | null;
  readonly done: number | null;
}

/** What one payment's timings add to a round. */
class Samples {
  readonly toWaitingMs: number[] = [];
  readonly requestMs: number[] = [];
  readonly seen = new Map<string, Seen>();
}

const wall = (monotonic: number): number => performance.timeOrigin + monotonic;

/** Requests one payment on a terminal's method and waits for it to be shown done. */
async function onePayment(ctx: ServiceContext, shop: Shop, watch: PaymentWatch, line: { orderId: string; methodId: number }, samples: Samples): Promise<void> {
  const uuid = randomUUID();
  const watched = watch.expect(uuid);
  const sentAt = performance.now();
  await requestPayment(ctx, uuid, { orderId: line.orderId, paymentMethodId: line.methodId, amountCents: shop.productPriceCents }, shop.userId);
  const storedAt = performance.now();
  samples.requestMs.push(storedAt - sentAt);
  await watched.settled;
  const timing = watched.timing();
  watch.forget(uuid);
  if (timing.waitingAt !== null) samples.toWaitingMs.push(timing.waitingAt - sentAt);
  samples.seen.set(uuid, {
    sent: wall(sentAt),
    stored: wall(storedAt),
    waiting: timing.waitingAt === null ? null : wall(timing.waitingAt),
    done: timing.doneAt === null ? null : wall(timing.doneAt),
  });
}

async function ordersFor(ctx: ServiceContext, shop: Shop, till: ShopTill, methods: readonly number[], payments: number): Promise<Map<number, string>> {
  const orders = new Map<number, string>();
  for (const methodId of methods) orders.set(methodId, await newOrder(ctx, shop, till.sessionOfMethod.get(methodId) ?? 0, payments));
  return orders;
}

async function finish(ctx: ServiceContext, samples: Samples, payments: number, startedAt: number): Promise<RoundResult> {
  const seconds = (performance.now() - startedAt) / 1000;
  const { resultToEventMs, hops } = await stampsOf(ctx, samples.seen);
  return { payments, seconds, toWaitingMs: samples.toWaitingMs, requestMs: samples.requestMs, resultToEventMs, hops };
}

/**
 * Closed loop: every terminal (all, or the first `terminals`) runs `perTerminal` payments back to
 * back, all at once. This finds the most the whole chain settles per second; its latencies are
 * mostly time spent queueing, since the load always exceeds what the chain can take.
 */
export async function runRound(
  ctx: ServiceContext,
  shop: Shop,
  till: ShopTill,
  watch: PaymentWatch,
  perTerminal: number,
  terminals?: number,
): Promise<RoundResult> {
  const methods = [...till.methodOfDevice.values()].slice(0, terminals);
  const orders = await ordersFor(ctx, shop, till, methods, perTerminal);
  const samples = new Samples();
  const startedAt = performance.now();
  await Promise.all(
    methods.map(async (methodId) => {
      for (let i = 0; i < perTerminal; i++) await onePayment(ctx, shop, watch, { orderId: orders.get(methodId) ?? '', methodId }, samples);
    }),
  );
  return finish(ctx, samples, methods.length * perTerminal, startedAt);
}

export interface PacedResult extends RoundResult {
  /** Starts that found every terminal still busy with its previous payment, and were not made. */
  readonly skipped: number;
}

/**
 * Open loop, as a shop sees it: payments start at a fixed rate whatever happens to earlier ones,
 * each on the next terminal that is free (a terminal runs one payment at a time). The latencies
 * are those of the chain carrying `perSecond` payments a second.
 */
export async function runPacedRound(
  ctx: ServiceContext,
  shop: Shop,
  till: ShopTill,
  watch: PaymentWatch,
  load: { perSecond: number; seconds: number },
): Promise<PacedResult> {
  const methods = [...till.methodOfDevice.values()];
  const total = Math.round(load.perSecond * load.seconds);
  const orders = await ordersFor(ctx, shop, till, methods, Math.ceil(total / methods.length) + 1);
  const samples = new Samples();
  const busy = new Set<number>();
  const running: Promise<void>[] = [];
  let next = 0;
  let skipped = 0;
  const startedAt = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = startedAt + (i * 1000) / load.perSecond - performance.now();
    if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const free = methods.findIndex((_, k) => !busy.has((next + k) % methods.length));
    if (free < 0) {
      skipped++;
      continue;
    }
    const index = (next + free) % methods.length;
    next = index + 1;
    const methodId = methods[index] ?? 0;
    busy.add(index);
    running.push(onePayment(ctx, shop, watch, { orderId: orders.get(methodId) ?? '', methodId }, samples).finally(() => busy.delete(index)));
  }
  await Promise.all(running);
  return { ...(await finish(ctx, samples, running.length, startedAt)), skipped };
}

/**
 * The box stamps each event when it emits it; the history keeps that stamp as `boxAt` and the
 * server's batch time as `at`. Reads the entries of the first and the last event of each payment.
 */
async function stampsOf(ctx: ServiceContext, seen: ReadonlyMap<string, Seen>): Promise<{ resultToEventMs: number[]; hops: Hops }> {
  const uuids = [...seen.keys()];
  const resultToEventMs: number[] = [];
  const hops: Hops = { stored: [], toTerminal: [], sentToBatch: [], batchToWaiting: [], resultToBatch: [], batchToDone: [] };
  for (const s of seen.values()) hops.stored.push(s.stored - s.sent);
  for (let start = 0; start < uuids.length; start += 500) {
    const rows = await ctx.db
      .selectFrom('payment_history')
      .select(['payment_uuid', 'event', 'at', 'data'])
      .where('event', 'in', ['accepted', 'approved'])
      .where('payment_uuid', 'in', uuids.slice(start, start + 500))
      .execute();
    for (const row of rows) {
      const boxAt = Date.parse((row.data as { boxAt?: string } | null)?.boxAt ?? '');
      const s = seen.get(row.payment_uuid);
      if (s === undefined || Number.isNaN(boxAt)) continue;
      const batchAt = row.at.getTime();
      if (row.event === 'accepted' && s.waiting !== null) {
        hops.toTerminal.push(boxAt - s.stored);
        hops.sentToBatch.push(batchAt - boxAt);
        hops.batchToWaiting.push(s.waiting - batchAt);
      } else if (row.event === 'approved' && s.done !== null) {
        resultToEventMs.push(s.done - boxAt);
        hops.resultToBatch.push(batchAt - boxAt);
        hops.batchToDone.push(s.done - batchAt);
      }
    }
  }
  return { resultToEventMs, hops };
}
