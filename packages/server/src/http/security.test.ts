import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../test-support/app.js';
import { buildTestApp, SETUP_TIMEOUT_MS } from '../test-support/app.js';

/** Opens a raw TCP connection, writes `request`, and resolves with what came back once the server closed it. */
function rawExchange(port: number, request: string, { timeoutMs = 10_000 } = {}): Promise<{ answer: string; closed: boolean; afterMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    const giveUp = setTimeout(() => {
      socket.destroy();
      resolve({ answer, closed: false, afterMs: Date.now() - started });
    }, timeoutMs);
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ answer, closed: true, afterMs: Date.now() - started });
    });
  });
}

describe('HTTP hardening', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await buildTestApp('pglite', { uplink: true, timeouts: { headersMs: 800, requestMs: 1_500, keepAliveMs: 500 } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
  });

  describe('security headers', () => {
    it.each(['/', '/api/healthz', '/api/no-such-route'])(
      'sends a CSP without inline script that refuses framing, nosniff and no-referrer on %s',
      async (url) => {
        const response = await t.app.inject({ method: 'GET', url });
        const csp = String(response.headers['content-security-policy']);
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).toContain("script-src 'self'");
        expect(csp).toContain("default-src 'self'");
        expect(csp).not.toContain('unsafe-inline');
        expect(csp).not.toContain('unsafe-eval');
        expect(response.headers['x-frame-options']).toBe('DENY');
        expect(response.headers['x-content-type-options']).toBe('nosniff');
        expect(response.headers['referrer-policy']).toBe('no-referrer');
      },
    );

    it('sends no Strict-Transport-Security while the public URL may be plain http', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/api/healthz' });
      expect(response.headers['strict-transport-security']).toBeUndefined();
    });
  });

  describe('upgrade requests', () => {
    it.each(['/', '/api/events', '/api/box/uplinkx', '/ws'])('answers an upgrade on %s with 404 and closes the socket', async (path) => {
      const result = await rawExchange(
        port,
        `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      );
      expect(result.closed).toBe(true);
      expect(result.answer).toMatch(/^HTTP\/1\.1 404 /);
      expect(result.answer).toContain('KASSA_NOT_FOUND');
    });

    it('still lets the box uplink answer its own path (401 without a token)', async () => {
      const result = await rawExchange(
        port,
        `GET /api/box/uplink HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      );
      expect(result.answer).toMatch(/^HTTP\/1\.1 401 /);
    });
  });

  describe('timeouts', () => {
    it('drops a client that never finishes its headers', async () => {
      const result = await rawExchange(port, 'GET /api/healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ');
      expect(result.closed).toBe(true);
      expect(result.answer).toMatch(/^HTTP\/1\.1 408 |^$/);
    });

    it('drops a client that never finishes its body', async () => {
      const result = await rawExchange(port, 'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"user');
      expect(result.closed).toBe(true);
    });

    it('closes an idle keep-alive connection', async () => {
      const result = await rawExchange(port, 'GET /api/healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
      expect(result.answer).toMatch(/^HTTP\/1\.1 200 /);
      expect(result.closed).toBe(true);
    });
  });
});
