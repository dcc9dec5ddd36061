import { CloseSessionBody, IdParams, ListOf, ListOrdersQuery, OpenSessionBody, Order, OrderList, PosSession, PutOrderBody, Receipt, UuidIdParams } from '@kassa/contract';
import { userOf } from '../http/auth-plugin.js';
import { errorResponses } from '../http/errors.js';
import type { App } from '../http/types.js';
import { routeOptions } from '../http/types.js';
import { readOrder, readOrders, readSession, readSessions } from '../services/reads.js';
import { cancelOrder, closeOpenSession, openSession, putOrder, receiptOf, validateOrder } from '../services/sales.js';
import { requireTill } from '../services/till-access.js';
import type { RouteDeps } from './deps.js';
import { lower } from './uuids.js';

const TILL_RULE = 'A cashier acts only on the sessions and orders of their own POS (403 KASSA_FORBIDDEN otherwise).';

export function registerSalesRoutes(app: App, { ctx }: RouteDeps): void {
  app.get('/api/sessions', routeOptions('user', 'sessions', 'List POS sessions, newest first', { response: { 200: ListOf(PosSession), ...errorResponses() } }), async () => ({ items: await readSessions(ctx) }));
  app.get('/api/sessions/:id', routeOptions('user', 'sessions', 'Read a POS session', { params: IdParams, response: { 200: PosSession, ...errorResponses(404) } }), async (request) => readSession(ctx, request.params.id));
  app.post(
    '/api/sessions',
    routeOptions('user', 'sessions', 'Open a session of a POS with the opening cash count', { body: OpenSessionBody, response: { 201: PosSession, ...errorResponses(404, 409, 422) } }),
    async (request, reply) => reply.status(201).send(await openSession(ctx, request.body, userOf(request).id)),
  );
  app.post(
    '/api/sessions/:id/close',
    routeOptions('user', 'sessions', `Close a session: totals per payment method and the cash difference. ${TILL_RULE}`, { params: IdParams, body: CloseSessionBody, response: { 200: PosSession, ...errorResponses(404, 409, 422) } }),
    async (request) => {
      await requireTill(ctx, userOf(request), { sessionId: request.params.id });
      return closeOpenSession(ctx, request.params.id, request.body.countedCashCents);
    },
  );

  app.get(
    '/api/orders',
    routeOptions('user', 'orders', 'Find orders, newest first: by session, POS, status (open, paid but not validated, validated, cancelled), attention, order id or receipt number, total, time; one page and the count', {
      querystring: ListOrdersQuery,
      response: { 200: OrderList, ...errorResponses() },
    }),
    async (request) => readOrders(ctx, request.query),
  );
  app.put(
    '/api/orders/:id',
    routeOptions('user', 'orders', `Create an order with a client-made uuid (201); the same uuid again returns the order (200). ${TILL_RULE}`, {
      params: UuidIdParams,
      body: PutOrderBody,
      response: { 200: Order, 201: Order, ...errorResponses(404, 409, 422) },
    }),
    async (request, reply) => {
      await requireTill(ctx, userOf(request), { sessionId: request.body.sessionId });
      const { created, order } = await putOrder(ctx, lower(request.params.id), request.body, userOf(request).id);
      return reply.status(created ? 201 : 200).send(order);
    },
  );
  app.get('/api/orders/:id', routeOptions('user', 'orders', 'Read an order with lines, VAT, payment lines and what is due', { params: UuidIdParams, response: { 200: Order, ...errorResponses(404) } }), async (request) =>
    readOrder(ctx, lower(request.params.id)),
  );
  app.post(
    '/api/orders/:id/validate',
    routeOptions('user', 'orders', `Validate an order: every payment line done or forceDone and the paid total equal to the order total. ${TILL_RULE}`, {
      params: UuidIdParams,
      response: { 200: Order, ...errorResponses(404, 409) },
    }),
    async (request) => {
      await requireTill(ctx, userOf(request), { orderId: lower(request.params.id) });
      return validateOrder(ctx, lower(request.params.id));
    },
  );
  app.post('/api/orders/:id/cancel', routeOptions('user', 'orders', `Cancel a draft order that took no money. ${TILL_RULE}`, { params: UuidIdParams, response: { 200: Order, ...errorResponses(404, 409) } }), async (request) => {
    await requireTill(ctx, userOf(request), { orderId: lower(request.params.id) });
    return cancelOrder(ctx, lower(request.params.id));
  });
  app.get('/api/orders/:id/receipt', routeOptions('user', 'orders', 'The receipt of a validated order, with the cardholder tickets', { params: UuidIdParams, response: { 200: Receipt, ...errorResponses(404, 409) } }), async (request) =>
    receiptOf(ctx, lower(request.params.id)),
  );
}
