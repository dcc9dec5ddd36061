import {
  ClosingPreview,
  CloseSessionBody,
  IdParams,
  ListOf,
  ListOrdersQuery,
  OpenSessionBody,
  Order,
  OrderList,
  PosSession,
  PutOrderBody,
  Receipt,
  ReopenSessionBody,
  UuidIdParams,
  ZReport,
} from '@kassa/contract';
import { Type } from 'typebox';
import { userOf } from '../http/auth-plugin.js';
import { errorResponses } from '../http/errors.js';
import type { App } from '../http/types.js';
import { routeOptions } from '../http/types.js';
import { readOrder, readOrders, readSession, readSessions } from '../services/reads.js';
import { closeOpenSession, closingPreview, reopenSession, sessionReport } from '../services/closing.js';
import { zReportCsv } from '../services/z-report-csv.js';
import { cancelOrder, openSession, putOrder, receiptOf, validateOrder } from '../services/sales.js';
import { requireTill } from '../services/till-access.js';
import type { RouteDeps } from './deps.js';
import { lower } from './uuids.js';

const TILL_RULE = 'A cashier acts only on the sessions and orders of their own POS (403 KASSA_FORBIDDEN otherwise).';

export function registerSalesRoutes(app: App, { ctx }: RouteDeps): void {
  app.get(
    '/api/sessions',
    routeOptions('user', 'sessions', 'List POS sessions, newest first', { response: { 200: ListOf(PosSession), ...errorResponses() } }),
    async () => ({ items: await readSessions(ctx) }),
  );
  app.get(
    '/api/sessions/:id',
    routeOptions('user', 'sessions', 'Read a POS session', { params: IdParams, response: { 200: PosSession, ...errorResponses(404) } }),
    async (request) => readSession(ctx, request.params.id),
  );
  app.post(
    '/api/sessions',
    routeOptions('user', 'sessions', 'Open a session of a POS with the opening cash count', {
      body: OpenSessionBody,
      response: { 201: PosSession, ...errorResponses(404, 409, 422) },
    }),
    async (request, reply) => reply.status(201).send(await openSession(ctx, request.body, userOf(request))),
  );
  app.get(
    '/api/sessions/:id/closing-preview',
    routeOptions(
      'user',
      'sessions',
      `The closing figures of an open session before its cash is counted: expected cash, totals per method, card totals per terminal, payments settled by hand (a read, open to every user)`,
      {
        params: IdParams,
        response: { 200: ClosingPreview, ...errorResponses(404, 409) },
      },
    ),
    async (request) => closingPreview(ctx, request.params.id),
  );
  app.post(
    '/api/sessions/:id/close',
    routeOptions(
      'user',
      'sessions',
      `Close a session with the counted cash (typed, or counted by note and coin) and keep its Z report. Expected cash = opening cash + cash sales (net of the change) − cash refunds; a difference beyond the threshold (500 cents unless configured) needs a manager: the caller when a manager or admin, else \`approval\` (403 KASSA_FORBIDDEN with details.needs "managerApproval" without one). ${TILL_RULE}`,
      { params: IdParams, body: CloseSessionBody, response: { 200: PosSession, ...errorResponses(404, 409, 422) } },
    ),
    async (request) => {
      const actor = userOf(request);
      await requireTill(ctx, actor, { sessionId: request.params.id });
      return closeOpenSession(ctx, actor, request.params.id, request.body);
    },
  );
  app.get(
    '/api/sessions/:id/report',
    routeOptions('user', 'sessions', 'The Z report of a closed session (409 KASSA_CONFLICT while it is open; a read, open to every user)', {
      params: IdParams,
      response: { 200: ZReport, ...errorResponses(404, 409) },
    }),
    async (request) => sessionReport(ctx, request.params.id),
  );
  app.get(
    '/api/sessions/:id/report.csv',
    routeOptions(
      'user',
      'sessions',
      `The Z report of a closed session as CSV: one row per figure, amounts in integer cents and in euros (a read, open to every user)`,
      {
        params: IdParams,
        response: {
          200: {
            description: 'CSV (RFC 4180, CRLF): section, item, method, terminal, count, cents, euro.',
            content: { 'text/csv': { schema: Type.String(), example: 'section,item,method,terminal,count,cents,euro\r\ncash,expected,,,,12500,125.00\r\n' } },
          },
          ...errorResponses(404, 409),
        },
      },
    ),
    async (request, reply) => {
      const report = await sessionReport(ctx, request.params.id);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="z-report-${report.sessionId}.csv"`)
        .send(zReportCsv(report));
    },
  );
  app.post(
    '/api/sessions/:id/reopen',
    routeOptions(
      'user',
      'sessions',
      `Reopen a closed session: a manager or admin, or a cashier with \`approval\`; only while no later session of its POS was opened, else 409 KASSA_CONFLICT (the closing is final). The Z report is dropped; the next closing makes a new one. ${TILL_RULE}`,
      { params: IdParams, body: ReopenSessionBody, response: { 200: PosSession, ...errorResponses(404, 409) } },
    ),
    async (request) => {
      const actor = userOf(request);
      await requireTill(ctx, actor, { sessionId: request.params.id });
      return reopenSession(ctx, actor, request.params.id, request.body.approval);
    },
  );

  app.get(
    '/api/orders',
    routeOptions(
      'user',
      'orders',
      'Find orders, newest first: by session, POS, status (open, paid but not validated, validated, cancelled), attention, order id or receipt number, total, time; one page and the count',
      {
        querystring: ListOrdersQuery,
        response: { 200: OrderList, ...errorResponses() },
      },
    ),
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
  app.get(
    '/api/orders/:id',
    routeOptions('user', 'orders', 'Read an order with lines, VAT, payment lines and what is due', {
      params: UuidIdParams,
      response: { 200: Order, ...errorResponses(404) },
    }),
    async (request) => readOrder(ctx, lower(request.params.id)),
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
  app.post(
    '/api/orders/:id/cancel',
    routeOptions(
      'user',
      'orders',
      `Cancel a draft order that took no money (409 KASSA_ORDER_CARD_PAID or KASSA_ORDER_TOOK_MONEY otherwise: PUT /api/orders/{id}/cancellations/{uuid} refunds it). ${TILL_RULE}`,
      { params: UuidIdParams, response: { 200: Order, ...errorResponses(404, 409) } },
    ),
    async (request) => {
      await requireTill(ctx, userOf(request), { orderId: lower(request.params.id) });
      return cancelOrder(ctx, lower(request.params.id));
    },
  );
  app.get(
    '/api/orders/:id/receipt',
    routeOptions('user', 'orders', 'The receipt of a validated order, with the cardholder tickets', {
      params: UuidIdParams,
      response: { 200: Receipt, ...errorResponses(404, 409) },
    }),
    async (request) => receiptOf(ctx, lower(request.params.id)),
  );
}
