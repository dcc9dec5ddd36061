// deploy/nginx/kassa.conf run in a real nginx: the file as shipped, with only its ports, certificate
// and upstream address swapped for the test's (a self-signed certificate from openssl, a small
// HTTP server standing in for kassa-server). A request through each location must reach the
// server with Host and X-Forwarded-*, the live events unbuffered, the uplink upgraded, HSTS on
// every answer. CI installs nginx (.ci/run); elsewhere the test checks only what it can without it.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect as http2Connect } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BOX_UPLINK_PATH } from '@kassa/contract';
import { parseCli, USAGE as SERVER_USAGE } from '@kassa/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CONF = fileURLToPath(new URL('../deploy/nginx/kassa.conf', import.meta.url));
const NGINX = '/usr/sbin/nginx';
const text = readFileSync(CONF, 'utf8');
const runnable = existsSync(NGINX) && spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Replaces one piece of the shipped file; the test fails if the file no longer has it. */
function swap(config: string, from: string | RegExp, to: string): string {
  const found = typeof from === 'string' ? config.includes(from) : from.test(config);
  expect(found, `kassa.conf has ${String(from)}`).toBe(true);
  return config.replaceAll(from, to);
}

describe('deploy/nginx/kassa.conf', () => {
  it('names server settings the server accepts: the public URL and the proxy address', () => {
    const settings = Object.fromEntries([...text.matchAll(/^#\s+([A-Z][A-Z_]+)=(\S+)\s/gm)].map((m) => [m[1], m[2]]));
    expect(Object.keys(settings)).toEqual(['KASSA_PUBLIC_URL', 'KASSA_TRUST_PROXY', 'KASSA_HOST', 'PORT']);
    expect(parseCli([], settings)).toMatchObject({
      kind: 'run',
      options: { trustProxy: ['127.0.0.1'], publicUrl: 'https://pos.example.com', host: '127.0.0.1', port: 8080 },
    });
    for (const flag of ['--public-url', '--trust-proxy']) {
      expect(text).toContain(flag);
      expect(SERVER_USAGE).toContain(flag);
    }
  });

  it('proxies the paths the server has: the live events and the uplink', () => {
    expect(text).toContain('location = /api/events {');
    expect(text).toContain(`location = ${BOX_UPLINK_PATH} {`);
  });

  describe('in nginx', () => {
    const work = mkdtempSync(join(tmpdir(), 'kassa-nginx-'));
    const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
    let upstream: Server;
    let nginx: ChildProcess | undefined;
    let https = 0;
    let http = 0;

    beforeAll(async () => {
      if (!runnable) return;
      // nginx's workers run as another user when the test runs as root: they must reach the prefix.
      chmodSync(work, 0o755);
      mkdirSync(join(work, 'logs'));
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=pos.example.com',
          '-keyout',
          join(work, 'key.pem'),
          '-out',
          join(work, 'cert.pem'),
        ],
        { stdio: 'pipe' },
      );
      upstream = createServer((request, response) => {
        seen.push({ path: request.url ?? '', headers: request.headers });
        if (request.url === '/api/events') {
          // One event, then the stream stays open as the server's does: it must arrive unbuffered.
          response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
          response.write('id: 1\ndata: {"topic":"hello"}\n\n');
          return;
        }
        response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
      upstream.on('upgrade', (request, socket) => {
        seen.push({ path: request.url ?? '', headers: request.headers });
        socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
      });
      await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
      const upstreamPort = (upstream.address() as AddressInfo).port;
      https = await freePort();
      http = await freePort();

      let site = text;
      site = swap(site, 'server 127.0.0.1:8080;', `server 127.0.0.1:${upstreamPort};`);
      site = swap(site, /^\s*listen \[::\]:\d+.*$/gm, '');
      site = swap(site, 'listen 80;', `listen 127.0.0.1:${http};`);
      site = swap(site, 'listen 443 ssl http2;', `listen 127.0.0.1:${https} ssl http2;`);
      site = swap(site, '/etc/letsencrypt/live/pos.example.com/fullchain.pem', join(work, 'cert.pem'));
      site = swap(site, '/etc/letsencrypt/live/pos.example.com/privkey.pem', join(work, 'key.pem'));
      writeFileSync(join(work, 'kassa.conf'), site);
      writeFileSync(
        join(work, 'nginx.conf'),
        [
          'daemon off;',
          'worker_processes 1;',
          `pid ${join(work, 'nginx.pid')};`,
          `error_log ${join(work, 'logs/error.log')} warn;`,
          'events { worker_connections 64; }',
          'http {',
          `  access_log off;`,
          ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `  ${name}_temp_path ${join(work, `${name}_temp`)};`),
          `  include ${join(work, 'kassa.conf')};`,
          '}',
          '',
        ].join('\n'),
      );
      const args = ['-p', work, '-e', join(work, 'logs/error.log'), '-c', join(work, 'nginx.conf')];
      const check = spawnSync(NGINX, ['-t', ...args], { encoding: 'utf8' });
      expect(check.status, check.stderr).toBe(0);
      nginx = spawn(NGINX, args, { stdio: 'ignore' });
      const until = Date.now() + 20_000;
      for (;;) {
        const answered = await fetch(`http://127.0.0.1:${http}/`, { redirect: 'manual' }).then(
          () => true,
          () => false,
        );
        if (answered) break;
        if (Date.now() > until || nginx.exitCode !== null) throw new Error(`nginx did not start: ${readFileSync(join(work, 'logs/error.log'), 'utf8')}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }, 60_000);

    afterAll(async () => {
      if (nginx !== undefined && nginx.exitCode === null) {
        const exited = new Promise((resolve) => nginx?.once('exit', resolve));
        nginx.kill('SIGQUIT');
        await exited;
      }
      if (upstream !== undefined) await new Promise((resolve) => upstream.close(resolve));
      rmSync(work, { recursive: true, force: true });
    }, 30_000);

    /** A TLS request to nginx as a browser would send it to pos.example.com. */
    function get(path: string, headers: Record<string, string> = {}) {
      return httpsRequest({
        host: '127.0.0.1',
        port: https,
        path,
        servername: 'pos.example.com',
        rejectUnauthorized: false,
        headers: { host: 'pos.example.com', ...headers },
      });
    }

    const lastSeen = (path: string): IncomingHttpHeaders => {
      const found = seen.filter((s) => s.path === path).at(-1);
      expect(found, `the server saw ${path}`).toBeDefined();
      return found!.headers;
    };

    const forwarded = (headers: IncomingHttpHeaders): void => {
      expect(headers).toMatchObject({
        host: 'pos.example.com',
        'x-forwarded-for': '127.0.0.1',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'pos.example.com',
      });
    };

    it('is installed in CI', () => {
      if (!runnable) expect(process.env['CI'], 'nginx or openssl is missing (apt-get install nginx-light openssl)').toBeUndefined();
    });

    it('sends plain HTTP to https', async () => {
      if (!runnable) return;
      const answer = await new Promise<{ status: number; location: string }>((resolve, reject) => {
        httpRequest({ host: '127.0.0.1', port: http, path: '/pos?x=1', headers: { host: 'pos.example.com' } }, (response) => {
          response.resume();
          resolve({ status: response.statusCode ?? 0, location: response.headers.location ?? '' });
        })
          .on('error', reject)
          .end();
      });
      expect(answer).toEqual({ status: 301, location: 'https://pos.example.com/pos?x=1' });
    });

    it('forwards the web app and the API with Host and X-Forwarded-*, over HTTP/2, with HSTS', async () => {
      if (!runnable) return;
      const session = http2Connect(`https://127.0.0.1:${https}`, { servername: 'pos.example.com', rejectUnauthorized: false });
      try {
        const answer = await new Promise<{ status: number; hsts: unknown; body: string }>((resolve, reject) => {
          const stream = session.request({ ':path': '/api/setup', ':authority': 'pos.example.com' });
          let body = '';
          let head: Record<string, unknown> = {};
          stream.on('response', (headers) => (head = headers));
          stream.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
          stream.on('end', () => resolve({ status: Number(head[':status']), hsts: head['strict-transport-security'], body }));
          stream.on('error', reject);
          stream.end();
        });
        expect(answer).toEqual({ status: 200, hsts: 'max-age=63072000', body: 'ok' });
      } finally {
        session.close();
      }
      forwarded(lastSeen('/api/setup'));
    });

    it('streams the live events as they are written, with HSTS and the forwarded headers', async () => {
      if (!runnable) return;
      const first = await new Promise<{ hsts: unknown; chunk: string }>((resolve, reject) => {
        const request = get('/api/events', { accept: 'text/event-stream' });
        const timer = setTimeout(() => {
          request.destroy();
          reject(new Error('the first event did not arrive while the stream stayed open: nginx buffers it'));
        }, 3_000);
        request.on('response', (response) => {
          response.once('data', (chunk: Buffer) => {
            clearTimeout(timer);
            resolve({ hsts: response.headers['strict-transport-security'], chunk: chunk.toString('utf8') });
            request.destroy();
          });
        });
        request.on('error', (error) => (request.destroyed ? undefined : reject(error)));
        request.end();
      });
      expect(first).toEqual({ hsts: 'max-age=63072000', chunk: 'id: 1\ndata: {"topic":"hello"}\n\n' });
      forwarded(lastSeen('/api/events'));
    });

    it("upgrades the boxes' uplink to a WebSocket, with the forwarded headers", async () => {
      if (!runnable) return;
      const status = await new Promise<number>((resolve, reject) => {
        const request = get(BOX_UPLINK_PATH, {
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        });
        request.on('upgrade', (response, socket) => {
          socket.destroy();
          resolve(response.statusCode ?? 0);
        });
        request.on('response', (response) => resolve(response.statusCode ?? 0));
        request.on('error', reject);
        request.end();
      });
      expect(status).toBe(101);
      const headers = lastSeen(BOX_UPLINK_PATH);
      forwarded(headers);
      expect(headers).toMatchObject({ upgrade: 'websocket', connection: 'upgrade' });
    });
  });
});
