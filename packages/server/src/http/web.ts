import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { errorPayload } from './errors.js';
import { OPENAPI_PATH } from './openapi.js';
import type { App } from './types.js';

/** The page `/` shows when no web build is installed: where the API and its description are. */
export function landingPage(): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>kassa</title></head>',
    '<body><h1>kassa server</h1>',
    '<p>The web application is not built. The HTTP API is at <code>/api</code>;',
    `its OpenAPI description is <a href="${OPENAPI_PATH}">${OPENAPI_PATH}</a>.</p>`,
    '</body></html>',
  ].join('\n');
}

/**
 * Serves the web build at `/` when the folder holds an index.html; unknown non-API paths then get
 * index.html so the single-page application can route them. API paths always answer JSON.
 */
export async function installWeb(app: App, webDist: string | null): Promise<void> {
  const hasBuild = webDist !== null && existsSync(join(webDist, 'index.html'));
  if (hasBuild) {
    await app.register(fastifyStatic, { root: webDist, wildcard: false, index: ['index.html'] });
  } else {
    app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(landingPage()));
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (hasBuild && request.method === 'GET' && !path.startsWith('/api/') && path !== '/api') return reply.sendFile('index.html');
    return reply.status(404).send(errorPayload('KASSA_NOT_FOUND', `No route ${request.method} ${path}.`));
  });
}
