import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { trySlowClients } from './security-slow-clients.js';
import type { Finding } from './verify.js';

const LIMITS = { headersMs: 3_000, idleMs: 2_000 };
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('slow clients', () => {
  it('finds nothing against a server that times out headers and idle connections', async () => {
    const server = createHttpServer({ headersTimeout: 500, requestTimeout: 1_000, keepAliveTimeout: 300, connectionsCheckingInterval: 100 }, (_req, res) =>
      res.end('ok'),
    );
    const findings: Finding[] = [];
    const counts: Record<string, number> = {};
    await trySlowClients({ serverUrls: [await listen(server)] }, findings, counts, LIMITS);
    expect(findings).toEqual([]);
    expect(counts['security slow clients']).toBe(2);
  });

  it('names a server that keeps both connections open', async () => {
    // Takes connections, reads them, and answers nothing, ever.
    const server = createTcpServer((socket) => socket.resume());
    const findings: Finding[] = [];
    await trySlowClients({ serverUrls: [await listen(server)] }, findings, {}, LIMITS);
    expect(findings.map((f) => f.detail)).toEqual([
      'headers that never end kept a connection open for 3000 ms',
      'an idle keep-alive connection stayed open for 2000 ms',
      'the request before the silence was answered ""',
    ]);
  });

  it('stops the phase step when there is no server to reach', async () => {
    const server = createTcpServer();
    const url = await listen(server);
    await new Promise((resolve) => server.close(resolve));
    servers.pop();
    await expect(trySlowClients({ serverUrls: [url] }, [], {}, LIMITS)).rejects.toThrow(/could not reach the server/);
  });
});
