import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { HostPort } from '../config.js';
import { boxMetrics } from './metrics.js';
import type { BoxStatus } from './status.js';
import { renderStatusPage } from './status-page.js';

/** What /healthz reports: healthy unless the box can no longer keep its promises (journal failed). */
export type Health = { readonly ok: true } | { readonly ok: false; readonly code: string; readonly message: string };

/**
 * GET /healthz, GET /status (JSON, or the live page for a browser) and GET /metrics (Prometheus).
 * Nothing else. Like /status, the metrics tell only what anyone on the box's HTTP address may see.
 */
export function startHttp(address: HostPort, status: () => BoxStatus, health: () => Health): Promise<Server> {
  const metrics = boxMetrics(status);
  const server = createServer((request, response) => {
    const fail = (error: unknown): void =>
      send(response, 500, 'application/json', JSON.stringify({ code: 'INTERNAL_ERROR', message: (error as Error).message }));
    try {
      if ((request.url ?? '/').split('?')[0] === '/metrics' && (request.method === 'GET' || request.method === 'HEAD')) {
        metrics().then(({ contentType, body }) => send(response, 200, contentType, body), fail);
        return;
      }
      handle(request, response, status, health);
    } catch (error) {
      fail(error);
    }
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address.host, port: address.port }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function handle(request: IncomingMessage, response: ServerResponse, status: () => BoxStatus, health: () => Health): void {
  const path = (request.url ?? '/').split('?')[0];
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return send(response, 405, 'application/json', JSON.stringify({ code: 'METHOD_NOT_ALLOWED', message: 'only GET' }), { allow: 'GET, HEAD' });
  }
  if (path === '/healthz') {
    const current = health();
    return send(response, current.ok ? 200 : 503, 'application/json', JSON.stringify(current));
  }
  if (path === '/status') {
    const current = status();
    if (prefersHtml(request.headers.accept)) return send(response, 200, 'text/html; charset=utf-8', renderStatusPage(current));
    return send(response, 200, 'application/json', JSON.stringify(current));
  }
  send(response, 404, 'application/json', JSON.stringify({ code: 'NOT_FOUND', message: `no route ${path}` }));
}

function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const html = accept.indexOf('text/html');
  const json = accept.indexOf('application/json');
  return html >= 0 && (json < 0 || html < json);
}

function send(response: ServerResponse, code: number, type: string, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(code, { 'content-type': type, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body), ...headers });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
