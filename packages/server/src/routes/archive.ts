import { IdParams, PaymentMethod, PosConfig } from '@kassa/contract';
import { Type } from 'typebox';
import { errorResponses } from '../http/errors.js';
import type { App } from '../http/types.js';
import { routeOptions } from '../http/types.js';
import { archivePaymentMethod, archivePosConfig, removePaymentMethod, removePosConfig } from '../services/archive.js';
import type { RouteDeps } from './deps.js';

const ARCHIVED_METHOD =
  'An archived method keeps its name on the payments, refunds and reports that used it, is offered nowhere (the till hides it; a new payment or refund through it is 422 KASSA_METHOD_NOT_IN_POS; adding it to a POS configuration is 422 KASSA_METHOD_ARCHIVED)';
const ARCHIVED_POS =
  'An archived POS configuration keeps its sessions and Z reports, is not offered at the till, and no session opens on it (422 KASSA_POS_ARCHIVED)';

export function registerArchiveRoutes(app: App, { ctx }: RouteDeps): void {
  app.post(
    '/api/payment-methods/:id/archive',
    routeOptions('admin', 'payment methods', `Archive a payment method. ${ARCHIVED_METHOD}`, {
      params: IdParams,
      response: { 200: PaymentMethod, ...errorResponses(404) },
    }),
    async (request) => archivePaymentMethod(ctx, request.params.id, true),
  );
  app.post(
    '/api/payment-methods/:id/restore',
    routeOptions('admin', 'payment methods', 'Bring an archived payment method back into use', {
      params: IdParams,
      response: { 200: PaymentMethod, ...errorResponses(404) },
    }),
    async (request) => archivePaymentMethod(ctx, request.params.id, false),
  );
  app.delete(
    '/api/payment-methods/:id',
    routeOptions(
      'admin',
      'payment methods',
      'Delete a payment method nothing used: no payment or refund line went through it and no POS configuration offers it (409 KASSA_METHOD_IN_USE otherwise, with details.paymentLines and details.posConfigIds: archive it instead)',
      {
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(404, 409) },
      },
    ),
    async (request, reply) => {
      await removePaymentMethod(ctx, request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/pos-configs/:id/archive',
    routeOptions(
      'admin',
      'POS configurations',
      `Archive a POS configuration while none of its sessions is open (409 KASSA_POS_SESSION_OPEN otherwise). ${ARCHIVED_POS}`,
      { params: IdParams, response: { 200: PosConfig, ...errorResponses(404, 409) } },
    ),
    async (request) => archivePosConfig(ctx, request.params.id, true),
  );
  app.post(
    '/api/pos-configs/:id/restore',
    routeOptions('admin', 'POS configurations', 'Bring an archived POS configuration back into use', {
      params: IdParams,
      response: { 200: PosConfig, ...errorResponses(404) },
    }),
    async (request) => archivePosConfig(ctx, request.params.id, false),
  );
  app.delete(
    '/api/pos-configs/:id',
    routeOptions(
      'admin',
      'POS configurations',
      'Delete a POS configuration no session was ever opened on (409 KASSA_POS_IN_USE otherwise, with details.sessions: archive it instead)',
      {
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(404, 409) },
      },
    ),
    async (request, reply) => {
      await removePosConfig(ctx, request.params.id);
      return reply.status(204).send(null);
    },
  );
}
