import { EventsQuery } from '@kassa/contract';
import { Type } from 'typebox';
import { KassaError, notFound } from '../domain/errors.js';
import { sellsOnAnyPos } from '../domain/roles.js';
import { SESSION_COOKIE, userOf } from '../http/auth-plugin.js';
import { resolveSession } from '../services/auth.js';
import { errorResponses } from '../http/errors.js';
import type { App } from '../http/types.js';
import { routeOptions } from '../http/types.js';
import type { Follow } from '../events/stream.js';
import { runEventStream, scopeOf } from '../events/stream.js';
import type { RouteDeps } from './deps.js';

const EventHeaders = Type.Object({ 'last-event-id': Type.Optional(Type.String({ maxLength: 32 })) });

const STREAM_EXAMPLE =
  'retry: 2000\n\n' +
  'id: 42\nevent: payment\ndata: {"id":42,"at":"2026-03-14T10:21:09.804Z","topic":"payment","data":{"payment":{"uuid":"3f0d1c52-8a4e-4c7b-9a57-1d2b6f0e9c11","state":"done"}}}\n\n' +
  ': keep-alive\n\n';

/** The header EventSource sends on reconnect wins over the query a reloaded page passes. */
function resumeFrom(header: string | undefined, query: number | undefined): number | null {
  if (header !== undefined && header !== '') {
    if (!/^[0-9]{1,16}$/.test(header) || !Number.isSafeInteger(Number(header)))
      throw new KassaError('KASSA_VALIDATION', 'Last-Event-ID must be an event id.', { field: 'last-event-id' });
    return Number(header);
  }
  return query ?? null;
}

/** A cashier follows their own tills and chooses nothing; a manager or admin follows one POS, one shop or everything. */
function followOf(user: { id: number; role: 'admin' | 'manager' | 'cashier' }, posId: number | undefined, shop: string | undefined): Follow {
  if (!sellsOnAnyPos(user.role)) {
    if (posId !== undefined || shop !== undefined) {
      const field = posId !== undefined ? 'posId' : 'shop';
      throw new KassaError('KASSA_FORBIDDEN', `A cashier’s stream follows the tills of their own sessions; it takes no ${field}.`, { field });
    }
    return { kind: 'own', userId: user.id };
  }
  if (posId !== undefined && shop !== undefined) throw new KassaError('KASSA_VALIDATION', 'Follow one POS or one shop, not both.', { field: 'shop' });
  if (shop !== undefined && shop.trim() !== '') return { kind: 'shop', shop: shop.trim() };
  return posId === undefined ? { kind: 'all' } : { kind: 'pos', posId };
}

export function registerEventRoutes(app: App, { ctx, hub, events }: RouteDeps): void {
  app.get(
    '/api/events',
    routeOptions(
      'user',
      'events',
      'Server-Sent Events of payment, order, device and box changes; each has an id; reconnect with Last-Event-ID (or ?lastEventId=) to get what was missed. A cashier gets the events of the tills of their own open sessions; a manager or admin follows everything, one POS with ?posId=, or the tills of one shop with ?shop=',
      {
        querystring: EventsQuery,
        headers: EventHeaders,
        response: {
          200: {
            description: 'The stream: each event has `id`, `event` (payment, order, device, box, or reset) and `data` (JSON).',
            content: { 'text/event-stream': { schema: Type.String(), example: STREAM_EXAMPLE } },
          },
          ...errorResponses(404),
        },
      },
    ),
    async (request, reply) => {
      const lastEventId = resumeFrom(request.headers['last-event-id'], request.query.lastEventId);
      const user = userOf(request);
      const follow = followOf(user, request.query.posId, request.query.shop);
      const scope = await scopeOf(ctx, follow);
      if (follow.kind === 'pos' && scope.kind === 'tills' && scope.posIds.length === 0) throw notFound('POS', follow.posId);
      if (follow.kind === 'shop' && scope.kind === 'tills' && scope.posIds.length === 0) throw notFound('Shop', follow.shop);
      const token = request.cookies[SESSION_COOKIE] ?? '';
      const sessionAlive = async (): Promise<boolean> => (await resolveSession(ctx, token))?.user.role === user.role;
      reply.hijack();
      runEventStream({ ctx, hub, raw: reply.raw, role: user.role, follow, scope, lastEventId, options: events, sessionAlive });
    },
  );
}
