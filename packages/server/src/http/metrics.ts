import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { constantTimeEqual } from '../auth/tokens.js';
import { KassaError } from '../domain/errors.js';
import type { PaymentState } from '../domain/payment-states.js';
import type { LiveEventHub } from '../events/hub.js';
import type { Executor } from '../repos/executor.js';
import { resolveSession } from '../services/auth.js';
import type { ServiceContext } from '../services/context.js';
import { SESSION_COOKIE } from './auth-plugin.js';
import type { App } from './types.js';

/** Seconds, from a few milliseconds (an API call) to a minute and more (a card payment with PIN). */
const HTTP_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const PAYMENT_BUCKETS = [1, 2, 5, 10, 20, 30, 45, 60, 90, 120, 300];

let processRegistry: Registry | null = null;

/** The process's own metrics (CPU, memory, event-loop delay, GC) are collected once per process, however many apps it builds. */
function processMetrics(): Registry {
  if (processRegistry === null) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: 'kassa_server_' });
  }
  return processRegistry;
}

/** What the services tell the metrics; cheap calls on the hot path. */
export interface PaymentObserver {
  /** A payment reached a final state: its time from the request. */
  finished(payment: { readonly createdAt: Date }, state: PaymentState, at: Date): void;
}

export class ServerMetrics implements PaymentObserver {
  readonly registry = new Registry();
  readonly #http: Histogram<'method' | 'route' | 'status'>;
  readonly #payment: Histogram<'state'>;
  readonly #finished: Counter<'state'>;

  constructor(db: Executor, hub: () => LiveEventHub | null) {
    const registers = [this.registry];
    this.#http = new Histogram({
      name: 'kassa_http_request_duration_seconds',
      help: 'HTTP requests by method, route and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: HTTP_BUCKETS,
      registers,
    });
    this.#payment = new Histogram({
      name: 'kassa_payment_duration_seconds',
      help: 'Payments from the request to their final state, by that state.',
      labelNames: ['state'],
      buckets: PAYMENT_BUCKETS,
      registers,
    });
    this.#finished = new Counter({
      name: 'kassa_payments_finished_total',
      help: 'Payments that reached a final state in this process.',
      labelNames: ['state'],
      registers,
    });
    new Gauge({
      name: 'kassa_payments',
      help: 'Payments in the database by state and payment method.',
      labelNames: ['state', 'method'],
      registers,
      async collect() {
        const rows = await db
          .selectFrom('payments')
          .innerJoin('payment_methods', 'payment_methods.id', 'payments.method_id')
          .select(['payments.state', 'payment_methods.name as method', (eb) => eb.fn.countAll<number>().as('n')])
          .groupBy(['payments.state', 'payment_methods.name'])
          .execute();
        this.reset();
        for (const row of rows) this.set({ state: row.state, method: row.method }, Number(row.n));
      },
    });
    new Gauge({
      name: 'kassa_live_streams',
      help: 'Live event streams (Server-Sent Events) open on this process.',
      registers,
      collect() {
        this.set(hub()?.streamCount ?? 0);
      },
    });
    new Gauge({
      name: 'kassa_boxes_connected',
      help: 'Paired boxes whose uplink is open (on any server process).',
      registers,
      async collect() {
        const row = await db
          .selectFrom('boxes')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('online', '=', true)
          .where('revoked_at', 'is', null)
          .executeTakeFirstOrThrow();
        this.set(Number(row.n));
      },
    });
    new Gauge({
      name: 'kassa_terminals_connected',
      help: 'Payment terminals their box reports online.',
      registers,
      async collect() {
        const row = await db
          .selectFrom('devices')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('online', '=', true)
          .where('removed', '=', false)
          .executeTakeFirstOrThrow();
        this.set(Number(row.n));
      },
    });
  }

  observeRequest(request: FastifyRequest, reply: FastifyReply): void {
    // The route's pattern, not the URL: one series per route, whatever the ids in it.
    const route = request.routeOptions.url ?? 'unmatched';
    this.#http.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  }

  finished(payment: { readonly createdAt: Date }, state: PaymentState, at: Date): void {
    this.#finished.inc({ state });
    this.#payment.observe({ state }, Math.max(0, (at.getTime() - payment.createdAt.getTime()) / 1000));
  }

  async text(): Promise<{ contentType: string; body: string }> {
    const merged = Registry.merge([processMetrics(), this.registry]);
    return { contentType: merged.contentType, body: await merged.metrics() };
  }
}

/**
 * GET /metrics in the Prometheus text format, for a scraper holding the metrics token (as a Bearer
 * token) or an admin's browser session. Without a token configured, only admins may read it.
 */
export function registerMetricsRoute(app: App, ctx: ServiceContext, metrics: ServerMetrics, token: string | undefined): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(request, reply);
  });
  app.get('/metrics', { schema: { hide: true }, config: { access: 'public' } }, async (request, reply) => {
    const header = request.headers.authorization;
    const bearer = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
    let allowed = token !== undefined && bearer !== undefined && constantTimeEqual(bearer, token);
    if (!allowed) {
      const cookie = request.cookies[SESSION_COOKIE];
      const session = cookie === undefined ? null : await resolveSession(ctx, cookie);
      if (session === null && bearer === undefined)
        throw new KassaError('KASSA_UNAUTHENTICATED', 'Send the metrics token as "Authorization: Bearer …", or log in as an admin.');
      allowed = session?.user.role === 'admin';
    }
    if (!allowed) throw new KassaError('KASSA_FORBIDDEN', 'The metrics token is wrong, or the session is not an admin’s.');
    const { contentType, body } = await metrics.text();
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  });
}
