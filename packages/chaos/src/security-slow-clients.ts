import { connect } from 'node:net';
import type { Finding } from './verify.js';
import type { World } from './world.js';

/**
 * Clients that hold a connection open without finishing: the server closes them by itself (its
 * timeouts, `DEFAULT_TIMEOUTS` of `packages/server/src/app.ts`: 10 s for the headers of a request,
 * 5 s for an idle keep-alive connection), so a few of them cannot keep its sockets forever. Each is
 * given its timeout and a margin of 5 s for a machine busy with the rest of the run.
 */
export const SLOW_CLIENT_LIMITS = { headersMs: 10_000 + 5_000, idleMs: 5_000 + 5_000 };

interface Watched {
  /** How long the server kept the connection, or null when it was still open at the limit. */
  readonly closedAfterMs: number | null;
  /** The status line of what the server answered, '' when nothing. */
  readonly statusLine: string;
  /** Why the connection could not be made, if it could not. */
  readonly failed: string | null;
}

/** Opens a connection to the server, sends `text`, and waits for the server to close it (at most `limitMs`). */
function watchClose(serverUrl: string, text: string, limitMs: number): Promise<Watched> {
  const { hostname, port } = new URL(serverUrl);
  return new Promise((resolve) => {
    const started = Date.now();
    let received = '';
    let connected = false;
    let done = false;
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      connected = true;
      socket.write(text);
    });
    const finish = (closedAfterMs: number | null, failed: string | null = null) => {
      if (done) return;
      done = true;
      clearTimeout(limit);
      socket.destroy();
      resolve({ closedAfterMs, statusLine: received.split('\r\n')[0] ?? '', failed });
    };
    const limit = setTimeout(() => finish(null), limitMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    // A reset once connected is the server closing too; before, there was no server to hold.
    socket.on('error', (error) => finish(Date.now() - started, connected ? null : error.message));
    socket.on('close', () => finish(Date.now() - started));
  });
}

export async function trySlowClients(
  world: Pick<World, 'serverUrls'>,
  findings: Finding[],
  counts: Record<string, number>,
  limits = SLOW_CLIENT_LIMITS,
): Promise<void> {
  const rule = 'the server closes connections that hold it';
  const server = world.serverUrls[0]!;
  const { headersMs: HEADERS_LIMIT_MS, idleMs: IDLE_LIMIT_MS } = limits;
  const [slowHeaders, idle] = await Promise.all([
    // Headers that never end (a slowloris): answered 408 and closed after the headers timeout.
    watchClose(server, 'GET /api/healthz HTTP/1.1\r\nHost: chaos\r\nX-Slow: ', HEADERS_LIMIT_MS),
    // A request answered, then silence on a keep-alive connection: closed after the idle timeout.
    watchClose(server, 'GET /api/healthz HTTP/1.1\r\nHost: chaos\r\nConnection: keep-alive\r\n\r\n', IDLE_LIMIT_MS),
  ]);
  counts['security slow clients'] = 2;
  for (const failed of [slowHeaders.failed, idle.failed]) if (failed !== null) throw new Error(`a slow client could not reach the server: ${failed}`);
  if (slowHeaders.closedAfterMs === null) findings.push({ rule, detail: `headers that never end kept a connection open for ${HEADERS_LIMIT_MS} ms` });
  else if (slowHeaders.statusLine !== '' && !slowHeaders.statusLine.includes(' 408 '))
    findings.push({ rule, detail: `headers that never end were answered "${slowHeaders.statusLine}", not 408` });
  if (idle.closedAfterMs === null) findings.push({ rule, detail: `an idle keep-alive connection stayed open for ${IDLE_LIMIT_MS} ms` });
  if (!idle.statusLine.includes(' 200 ')) findings.push({ rule, detail: `the request before the silence was answered "${idle.statusLine}"` });
}
