import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { BOX_CONTRACT_VERSION, boxUplinkUrl } from '@kassa/contract';
import { startServer } from '@kassa/server';
import { ApiClient } from '../api.js';

/** A real kassa server on PGlite in a temp folder, with demo data and its log lines captured. */
export interface TestServer {
  readonly url: string;
  readonly admin: { username: string; password: string };
  readonly cashier: { username: string; password: string };
  readonly boxToken: string;
  /** The TerminalId of the demo box's card terminal. */
  readonly terminalId: string;
  readonly logs: string[];
  login(role: 'admin' | 'cashier'): Promise<ApiClient>;
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kassa-chaos-test-'));
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(
        ...String(chunk)
          .split('\n')
          .filter((l) => l !== ''),
      );
      done();
    },
  });
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, demo: true, logger: pino({ level: 'info' }, sink), webDist: null });
  const demo = server.demo!;
  return {
    url: server.url,
    admin: demo.admin,
    cashier: demo.cashier,
    boxToken: demo.boxToken,
    terminalId: demo.terminalId,
    logs,
    async login(role) {
      const api = new ApiClient([server.url], 15_000);
      const who = role === 'admin' ? demo.admin : demo.cashier;
      const answer = await api.login(who.username, who.password);
      if (answer.status !== 200) throw new Error(`login as ${role}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return api;
    },
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The one error shape of the API: `{ error: { code, message, details? } }` and nothing else. */
export function isErrorShape(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const keys = Object.keys(body);
  if (keys.length !== 1 || keys[0] !== 'error') return false;
  const error = (body as { error: unknown }).error;
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return typeof code === 'string' && /^KASSA_[A-Z_]+$/.test(code) && typeof message === 'string';
}

const LISTS = [
  '/api/company',
  '/api/journals',
  '/api/boxes',
  '/api/devices',
  '/api/payment-methods',
  '/api/pos-configs',
  '/api/products',
  '/api/users',
  '/api/sessions',
  '/api/orders',
  '/api/payments?limit=200',
];

/** What the back office can see, as one string: equal snapshots mean no refused request changed data. */
export async function snapshot(admin: ApiClient): Promise<string> {
  const parts: string[] = [];
  for (const path of LISTS) {
    const answer = await admin.call(admin.servers[0]!, 'GET', path);
    parts.push(`${path} ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  return parts.join('\n');
}

/** Dials the box uplink with a token and says hello: `welcome` when the server took it, `refused` otherwise. */
export function uplinkAnswer(serverUrl: string, token: string | undefined): Promise<'welcome' | 'refused' | 'silent'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(boxUplinkUrl(serverUrl), token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
    const done = (answer: 'welcome' | 'refused' | 'silent'): void => {
      clearTimeout(timer);
      ws.terminate();
      resolve(answer);
    };
    const timer = setTimeout(() => done('silent'), 10_000);
    ws.on('unexpected-response', () => done('refused'));
    ws.on('error', () => done('refused'));
    ws.on('close', () => done('refused'));
    ws.on('open', () =>
      ws.send(JSON.stringify({ type: 'hello', version: BOX_CONTRACT_VERSION, boxId: boxIdFromToken(token ?? ''), software: 'sweep', devices: [] })),
    );
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type?: string };
      done(message.type === 'welcome' ? 'welcome' : 'refused');
    });
  });
}

/** Tokens are `<box id>.<secret>`: the hello names the box the token belongs to. */
function boxIdFromToken(token: string): string {
  return token.split('.')[0] ?? '';
}

/** Opens the uplink as a box would, says hello, sends each text, and reports what came back. */
export async function sendAsBox(serverUrl: string, token: string, texts: readonly string[]): Promise<{ answers: string[]; closed: boolean }> {
  const ws = new WebSocket(boxUplinkUrl(serverUrl), { headers: { authorization: `Bearer ${token}` } });
  const answers: string[] = [];
  let closed = false;
  ws.on('message', (data) => answers.push(String(data)));
  ws.on('close', () => {
    closed = true;
  });
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', () => reject(new Error('uplink refused')));
  });
  ws.send(JSON.stringify({ type: 'hello', version: BOX_CONTRACT_VERSION, boxId: boxIdFromToken(token), software: 'fuzz', devices: [] }));
  for (const text of texts) if (!closed) ws.send(text);
  // A round trip that needs an answer: once it is back, everything before it was handled.
  await new Promise((resolve) => setTimeout(resolve, 500));
  ws.terminate();
  return { answers, closed };
}
