import swaggerUi from '@fastify/swagger-ui';
import type { App } from './types.js';
import { API_DOCS_PATH } from './api-docs-path.js';

/**
 * The reference page's own Content-Security-Policy, set on every answer under /api/docs (it replaces
 * any policy the rest of the server sets, for these routes only). Swagger UI runs from script files
 * of this server, no inline script; it sets styles from script, so style-src needs 'unsafe-inline';
 * the schema diagrams use data: images. It talks only to this server.
 */
export const API_DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const LOGO =
  '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40"><text x="0" y="30" font-family="sans-serif" font-size="28" font-weight="bold" fill="#ffffff">kassa API</text></svg>';

/** True for the reference's routes, which the Swagger UI plugin registers itself (all public: they show the same document as /api/openapi.json). */

/** Serves Swagger UI at /api/docs over the same OpenAPI document as /api/openapi.json. */
export async function installApiDocs(app: App): Promise<void> {
  await app.register(swaggerUi, {
    routePrefix: API_DOCS_PATH,
    staticCSP: API_DOCS_CSP,
    logo: { type: 'image/svg+xml', content: LOGO, href: API_DOCS_PATH, target: '_self' },
    theme: { title: 'kassa API' },
    uiConfig: { deepLinking: true, docExpansion: 'list', defaultModelsExpandDepth: 0, tryItOutEnabled: false },
    validatorUrl: false,
  });
}
