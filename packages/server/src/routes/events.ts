import { EventsQuery } from '@kassa/contract';
import { Type } from 'typebox';
import { KassaError } from '../domain/errors.js';
import { SESSION_COOKIE, userOf } from '../http/auth-plugin.js';
import { resolveSession } from '../services/auth.js';
import { errorResponses } from '../http/errors.js';
import type { App } from '../http/types.js';
import { routeOptions } from '../http/types.js';
import { runEventStream } from '../events/stream.js';
import type { RouteDeps } from './deps.js';

const EventHeaders = Type.Object({ 'last-event-id': Type.Optional(Type.String({ maxLength: 32 })) });

/** The header EventSource sends on reconnect wins over the query a reloaded page passes. */
function resumeFrom(header: string | undefined, query: number | undefined): number | null {
  if (header !== undefined && header !== '') {
    if (!/^[0-9]{1,15}$/.test(header)) throw new KassaError('KASSA_VALIDATION', 'Last-Event-ID must be an event id.', { field: 'last-event-id' });
    return Number(header);
  }
  return query ?? null;
}

export function registerEventRoutes(app: App, { ctx, hub, events }: RouteDeps): void {
  app.get(
    '/api/events',
    routeOptions(
      'user',
      'events',
      'Server-Sent Events of payment, order, device and box changes; each has an id; reconnect with Last-Event-ID (or ?lastEventId=) to get what was missed',
      {
        querystring: EventsQuery,
        headers: EventHeaders,
        response: {
          200: {
            description: 'The stream: each event has `id`, `event` (payment, order, device, box, or reset) and `data` (JSON).',
            content: { 'text/event-stream': { schema: Type.String() } },
          },
          ...errorResponses(),
        },
      },
    ),
    async (request, reply) => {
      const lastEventId = resumeFrom(request.headers['last-event-id'], request.query.lastEventId);
      const { role } = userOf(request);
      const token = request.cookies[SESSION_COOKIE] ?? '';
      const sessionAlive = async (): Promise<boolean> => (await resolveSession(ctx, token))?.user.role === role;
      reply.hijack();
      await runEventStream({ ctx, hub, raw: reply.raw, role, lastEventId, options: events, sessionAlive });
    },
  );
}
