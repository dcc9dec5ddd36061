import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Database } from '../db/database.js';
import { EVENTS_CHANNEL } from '../repos/events.js';
import type { ServiceContext } from '../services/context.js';
import { requestPayment } from '../services/payments.js';
import type { Shop, ShopTill } from './shop.js';
import { newOrder } from './shop.js';

interface Watched {
  waitingAt: number | null;
  /** Wall clock (ms, sub-ms precision) when the `done` live event arrived. */
  doneWall: number | null;
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

  expect(uuid: string): { settled: Promise<void>; timing: () => { waitingAt: number | null; doneWall: number | null } } {
    let entry!: Watched;
    const settled = new Promise<void>((resolve, reject) => {
      entry = { waitingAt: null, doneWall: null, resolve, reject };
    });
    this.#watched.set(uuid, entry);
    return { settled, timing: () => ({ waitingAt: entry.waitingAt, doneWall: entry.doneWall }) };
  }

  forget(uuid: string): void {
    this.#watched.delete(uuid);
  }

  #heard(payload: string): void {
    const now = performance.now();
    const event = JSON.parse(payload) as { topic?: string; data?: { payment?: { uuid?: string; state?: string } } };
    const payment = event.topic === 'payment' ? event.data?.payment : undefined;
    const entry = payment?.uuid === undefined ? undefined : this.#watched.get(payment.uuid);
    if (entry === undefined || payment?.state === undefined) return;
    if (payment.state !== 'pending' && entry.waitingAt === null) entry.waitingAt = now;
    if (payment.state === 'done') {
      entry.doneWall = performance.timeOrigin + now;
      entry.resolve();
    } else if (payment.state === 'retry' || payment.state === 'unknown' || payment.state === 'failed') {
      entry.reject(new Error(`payment ${payment.uuid} ended ${payment.state}`));
    }
  }
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
}

/** Every terminal (all, or the first `terminals`) runs `perTerminal` payments back to back, all at once. */
export async function runRound(ctx: ServiceContext, shop: Shop, till: ShopTill, watch: PaymentWatch, perTerminal: number, terminals?: number): Promise<RoundResult> {
  const methods = [...till.methodOfDevice.values()].slice(0, terminals);
  const orders = new Map<number, string>();
  for (const methodId of methods) orders.set(methodId, await newOrder(ctx, shop, till.sessionOfMethod.get(methodId) ?? 0, perTerminal));
  const toWaitingMs: number[] = [];
  const requestMs: number[] = [];
  const doneWall = new Map<string, number>();
  const started = performance.now();
  await Promise.all(
    methods.map(async (methodId) => {
      for (let i = 0; i < perTerminal; i++) {
        const uuid = randomUUID();
        const watched = watch.expect(uuid);
        const sentAt = performance.now();
        await requestPayment(ctx, uuid, { orderId: orders.get(methodId) ?? '', paymentMethodId: methodId, amountCents: shop.productPriceCents }, shop.userId);
        requestMs.push(performance.now() - sentAt);
        await watched.settled;
        const timing = watched.timing();
        watch.forget(uuid);
        if (timing.waitingAt !== null) toWaitingMs.push(timing.waitingAt - sentAt);
        if (timing.doneWall !== null) doneWall.set(uuid, timing.doneWall);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { payments: methods.length * perTerminal, seconds, toWaitingMs, requestMs, resultToEventMs: await resultToEvent(ctx, doneWall) };
}

/** The box stamps each event when the terminal's frame arrives; the history keeps that stamp as boxAt. */
async function resultToEvent(ctx: ServiceContext, doneWall: ReadonlyMap<string, number>): Promise<number[]> {
  const uuids = [...doneWall.keys()];
  const samples: number[] = [];
  for (let start = 0; start < uuids.length; start += 500) {
    const rows = await ctx.db.selectFrom('payment_history').select(['payment_uuid', 'data']).where('event', '=', 'approved').where('payment_uuid', 'in', uuids.slice(start, start + 500)).execute();
    for (const row of rows) {
      const boxAt = (row.data as { boxAt?: string } | null)?.boxAt;
      const arrived = doneWall.get(row.payment_uuid);
      if (boxAt !== undefined && arrived !== undefined) samples.push(arrived - Date.parse(boxAt));
    }
  }
  return samples;
}
