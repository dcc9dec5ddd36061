import swagger from '@fastify/swagger';
import { Type } from 'typebox';
import { SESSION_COOKIE } from './auth-plugin.js';
import { routeOptions, SESSION_SECURITY } from './types.js';
import type { App } from './types.js';

export const OPENAPI_PATH = '/api/openapi.json';

/** The OpenAPI document is generated from the route schemas, so it always says what the server checks. */
export async function installOpenApi(app: App, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'kassa API',
        version,
        description:
          'Point of sale and Ingenico payment-terminal gateway. Money is integer cents (EUR). Errors are `{"error":{"code","message","details?"}}` with a stable KASSA_ code. ' +
          'Log in with POST /api/auth/login; send the session cookie back and repeat the returned csrfToken in the x-csrf-token header of every POST, PUT, PATCH and DELETE. ' +
          'x-kassa-access on each operation says who may call it: public, user (cashier or admin) or admin.',
      },
      components: { securitySchemes: { [SESSION_SECURITY]: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
    },
  });
}

export function registerOpenApiRoute(app: App): void {
  app.get(
    OPENAPI_PATH,
    routeOptions('public', 'meta', 'This OpenAPI document', { response: { 200: Type.Object({}, { additionalProperties: true }) } }),
    async () => app.swagger(),
  );
}
