import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import { Type } from 'typebox';
import { SESSION_COOKIE } from './auth-plugin.js';
import type { OpenApiDocument } from './openapi-responses.js';
import { describeResponses } from './openapi-responses.js';
import { routeOptions, SESSION_SECURITY } from './types.js';
import type { App } from './types.js';

export const OPENAPI_PATH = '/api/openapi.json';

/** The walk through one payment with curl, shipped in the package and shown at the top of /api/docs. */
const GUIDE_FILE = new URL('../../docs/api-guide.md', import.meta.url);

/** Every tag an operation may carry, in the order the reference shows them. */
export const API_TAGS: readonly { readonly name: string; readonly description: string }[] = [
  { name: 'auth', description: 'Log in and out. The session is a cookie; every write repeats the CSRF token of the login answer in `x-csrf-token`.' },
  { name: 'sessions', description: 'POS sessions: opened with the cash count at the start, closed with the totals per payment method.' },
  { name: 'orders', description: 'Orders of a session, made with a client-made uuid (the idempotency key), validated once paid, with their receipt.' },
  {
    name: 'payments',
    description: 'Payment lines of an order. A card payment runs on the Ingenico terminal of its method; its state and history follow the terminal.',
  },
  { name: 'events', description: 'Live events (Server-Sent Events): payments, orders, devices and boxes as they change.' },
  { name: 'products', description: 'What the tills sell; prices in cents, VAT included.' },
  { name: 'payment methods', description: 'Cash and card methods; a card method names its Ingenico payment terminal device.' },
  { name: 'POS configurations', description: 'Tills and the payment methods they offer.' },
  { name: 'journals', description: 'Accounting journals (Bank or Cash) the payment methods book into.' },
  { name: 'company', description: 'The company, its country and VAT rates, and the setting "Payment terminals → Ingenico".' },
  { name: 'IoT boxes', description: 'The boxes that terminals dial: pairing (a token issued once) and revoking.' },
  { name: 'devices', description: 'The terminals the paired boxes report, online or offline.' },
  { name: 'users', description: 'Users and their roles (admin, cashier).' },
  { name: 'meta', description: 'Health and this description.' },
];

function guide(): string {
  try {
    return readFileSync(GUIDE_FILE, 'utf8');
  } catch {
    return '';
  }
}

/**
 * The OpenAPI document is generated from the route schemas, so it always says what the server
 * checks; each response is then described by its status with an example (see openapi-responses),
 * and `servers` names the public URL this server is reached at.
 */
export async function installOpenApi(app: App, version: string, publicUrl: () => string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'kassa API',
        version,
        description: [
          'Point of sale and Ingenico payment-terminal gateway. Money is integer cents (EUR). Errors are `{"error":{"code","message","details?"}}` with a stable KASSA_ code; each response below lists the codes of its status.',
          'Log in with POST /api/auth/login; send the session cookie back and repeat the returned csrfToken in the x-csrf-token header of every POST, PUT, PATCH and DELETE.',
          "x-kassa-access on each operation says who may call it: public, user (a cashier, a manager or an admin) or admin. Among users, the overrides at the till (settling a payment by hand, refunds, cancelling an order that took money, accepting a cash difference at closing, reopening a session) are a manager's or an admin's; a cashier sends them with a manager's approval (username and PIN or password), and both users are recorded.",
          'The guide below (`docs/api-guide.md` in the server package) walks one payment with curl.',
          guide(),
        ].join('\n\n'),
      },
      tags: API_TAGS.map((tag) => ({ ...tag })),
      components: { securitySchemes: { [SESSION_SECURITY]: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
    },
    transformObject: (documentObject) => {
      const document = describeResponses(('openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject) as OpenApiDocument);
      return { ...document, servers: [{ url: publicUrl(), description: 'this server' }] };
    },
  });
}

export function registerOpenApiRoute(app: App): void {
  app.get(
    OPENAPI_PATH,
    routeOptions('public', 'meta', 'This OpenAPI document', {
      response: { 200: Type.Object({}, { additionalProperties: true, description: 'The OpenAPI 3.1 document of this API.' }) },
    }),
    async () => app.swagger(),
  );
}
