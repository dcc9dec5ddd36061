import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiAnswer } from '../src/api.js';
import { ApiClient, errorCode } from '../src/api.js';
import { exampleOf, operationsOf, type Operation } from '../src/openapi-mutations.js';
import { BAD_PARAMS, bodyMutations, wrongValues } from '../src/test-support/body-mutations.js';
import { Random } from '../src/random.js';
import { actionsOnAnotherTill } from '../src/security-http.js';
import { isErrorShape, sendAsBox, snapshot, startTestServer, uplinkAnswer, type TestServer } from '../src/test-support/server.js';

/**
 * One server for the whole file (PGlite takes long to start on a busy machine): the HTTP fuzz,
 * then the security sweep, then the login limit, which spends this address's attempts.
 *
 * Requests made from the OpenAPI document — fields missing, extra, of the wrong type, huge, in
 * odd unicode, bad uuids, negative and overflowing amounts — against every route, logged in as
 * an admin and as a cashier: never a 5xx, every error in the one shape, and a refused request
 * changes nothing the back office can see.
 */
let server: TestServer;
let admin: ApiClient;
let cashier: ApiClient;
let operations: Operation[];

/** `CHAOS_FUZZ_FULL=1` sends every mutation; by default a seeded sample keeps `npm test` short. */
const FULL = process.env['CHAOS_FUZZ_FULL'] === '1';
function sample<T>(items: readonly T[], count: number, random: Random): T[] {
  if (FULL || items.length <= count) return [...items];
  const pool = [...items];
  const out: T[] = [];
  while (out.length < count) out.push(pool.splice(random.int(0, pool.length - 1), 1)[0]!);
  return out;
}

// Streams forever, and ends the session: both have tests of their own. A valid change of a user
// (which the sample may draw for the caller's own id) ends that user's sessions and changes the
// password the sweep below logs in with; the route tests of the server cover it.
const SKIP = new Set(['GET /api/events', 'POST /api/auth/logout', 'POST /api/auth/login', 'PATCH /api/users/{id}']);

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.login('admin');
  cashier = await server.login('cashier');
  const doc = await admin.call(server.url, 'GET', '/api/openapi.json');
  operations = operationsOf(doc.body).filter((op) => !SKIP.has(`${op.method} ${op.path}`));
}, 180_000);

afterAll(async () => {
  if (FULL) console.log(`HTTP fuzz: ${admin.calls + cashier.calls} requests as admin and cashier`);
  await server?.close();
});

function fill(path: string, value: (name: string) => string): string {
  return path.replace(/\{([^}]+)\}/g, (_m, name: string) => value(name));
}

function examplePath(op: Operation, random: Random): string {
  return fill(op.path, (name) => {
    const schema = op.params.find((p) => p.name === name)?.schema ?? {};
    return encodeURIComponent(String(exampleOf(schema, random)));
  });
}

interface Outcome {
  readonly label: string;
  readonly answer: ApiAnswer;
}

/** One line per route and kind of problem, so a systematic fault reads as one finding. */
function problemsOf(outcomes: readonly Outcome[]): string[] {
  const problems = new Set<string>();
  for (const { label, answer } of outcomes) {
    const code = (answer.body as { code?: unknown } | null)?.code;
    if (answer.status === 0) problems.add(`${label}: no answer`);
    else if (answer.status >= 500) problems.add(`${label}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
    else if (answer.status >= 400 && !isErrorShape(answer.body)) problems.add(`${label}: ${answer.status} not in the one error shape (code ${String(code)})`);
  }
  return [...problems];
}

/** Sends a batch as one caller; when every request of it was refused, the data must be as before. */
async function batch(caller: ApiClient, requests: readonly (() => Promise<Outcome>)[]): Promise<string[]> {
  const before = await snapshot(admin);
  const outcomes = await Promise.all(requests.map((send) => send()));
  const problems = problemsOf(outcomes);
  if (outcomes.every((o) => o.answer.status >= 400)) {
    const after = await snapshot(admin);
    if (after !== before)
      problems.push(
        `data changed after only refused requests: ${outcomes
          .map((o) => o.label)
          .join(', ')
          .slice(0, 500)}`,
      );
  }
  void caller;
  return problems;
}

describe('HTTP fuzz from the OpenAPI document', () => {
  it('finds operations to fuzz in the document', () => {
    expect(operations.length).toBeGreaterThan(30);
  });

  it('answers bad path parameters on every route with a 4xx in the one shape and changes nothing', async () => {
    const problems: string[] = [];
    const random = new Random(7);
    // One batch per caller: a refused request with a bad parameter can never be the one that wrote.
    for (const caller of [admin, cashier]) {
      const requests = operations
        .filter((op) => op.params.length > 0 && (caller === admin || op.access !== 'admin'))
        .flatMap((op) =>
          sample(BAD_PARAMS, 3, random).map((bad) => async () => {
            const path = fill(op.path, () => bad);
            const body = op.body === undefined ? undefined : { text: JSON.stringify(exampleOf(op.body, new Random(1))), contentType: 'application/json' };
            const label = `${op.method} ${op.path} with ${bad.length > 20 ? `a ${bad.length}-character parameter` : JSON.stringify(bad)}`;
            return { label, answer: await caller.raw(server.url, op.method, path, body) };
          }),
        );
      problems.push(...(await batch(caller, requests)));
    }
    expect(problems).toEqual([]);
  }, 90_000);

  it('answers mutated bodies on every route with a 4xx in the one shape, and refused ones change nothing', async () => {
    const random = new Random(2026);
    const problems: string[] = [];
    for (const op of operations.filter((o) => o.body !== undefined)) {
      const mutations = sample(bodyMutations(op.body!, random), 6, random);
      for (const caller of op.access === 'admin' ? [admin, cashier] : [admin]) {
        problems.push(
          ...(await batch(
            caller,
            mutations.map((m) => async () => {
              const path = examplePath(op, random);
              const answer = await caller.raw(server.url, op.method, path, { text: m.text, contentType: m.contentType });
              return { label: `${op.method} ${op.path} [${m.name}]`, answer };
            }),
          )),
        );
      }
    }
    expect(problems).toEqual([]);
  }, 90_000);

  it('answers bad query strings on every listing with a 4xx in the one shape', async () => {
    const problems: string[] = [];
    const random = new Random(11);
    for (const op of operations.filter((o) => o.query.length > 0)) {
      const requests = op.query.flatMap((q) =>
        sample(wrongValues(q.schema), 4, random)
          .filter((v) => typeof v !== 'object' || v === null)
          .map((value) => async () => {
            const path = `${fill(op.path, () => '1')}?${q.name}=${encodeURIComponent(String(value)).slice(0, 5000)}`;
            return { label: `${op.method} ${op.path}?${q.name}=${String(value).slice(0, 20)}`, answer: await admin.raw(server.url, op.method, path) };
          }),
      );
      problems.push(...(await batch(admin, requests)));
    }
    expect(problems).toEqual([]);
  }, 90_000);
});

describe('box uplink fuzz (box to server)', () => {
  it('survives malformed and replayed box messages, and an event about no known payment changes nothing', async () => {
    const payments = async () => JSON.stringify((await admin.call(server.url, 'GET', '/api/payments?limit=200')).body);
    const before = await payments();
    const uuid = '0b7a2c1e-9d4f-4a6b-8c3d-2e1f0a9b8c7d';
    const result = {
      kind: 'transactionResult',
      paymentUuid: uuid,
      terminalId: '12345678',
      transactionId: '1',
      result: 'Approved',
      resultId: 0,
      amountCents: 100,
      authorisationCode: null,
      cardBrand: null,
      tickets: [],
      recovered: false,
    };
    const event = (id: string, body: unknown) => JSON.stringify({ type: 'event', id, at: '2026-11-25T10:00:00.000Z', event: body });
    const texts = [
      'not json',
      '{}',
      '[]',
      JSON.stringify({ type: 'event' }),
      JSON.stringify({ type: 'commandReceived', commandId: -1 }),
      JSON.stringify({ type: 'commandReceived', commandId: 999_999 }),
      event('fuzz-1', { kind: 'noSuchKind' }),
      event('fuzz-2', { ...result, amountCents: -1 }),
      event('fuzz-3', { ...result, paymentUuid: 'not-a-uuid' }),
      event('fuzz-4', result),
      event('fuzz-4', result),
      event('fuzz-4', result),
      JSON.stringify({ type: 'hello', version: 99, boxId: 'x', software: 'x', devices: [] }),
      'x'.repeat(200_000),
    ];
    await sendAsBox(server.url, server.boxToken, texts);
    const health = await admin.call(server.url, 'GET', '/api/healthz');
    expect(health.status).toBe(200);
    expect(await payments()).toBe(before);
    // The link still works for the real box afterwards.
    expect(await uplinkAnswer(server.url, server.boxToken)).toBe('welcome');
  });
});

describe('security sweep', () => {
  it('answers every non-public operation of the document with 401 KASSA_UNAUTHENTICATED without a session', async () => {
    const anonymous = new ApiClient([server.url]);
    const wrong: string[] = [];
    const all = operationsOf((await admin.call(server.url, 'GET', '/api/openapi.json')).body);
    for (const op of all.filter((o) => o.access !== 'public')) {
      const answer = await anonymous.raw(
        server.url,
        op.method,
        examplePath(op, new Random(3)),
        op.body === undefined ? undefined : { text: JSON.stringify(exampleOf(op.body, new Random(3))), contentType: 'application/json' },
      );
      if (answer.status !== 401 || errorCode(answer) !== 'KASSA_UNAUTHENTICATED') wrong.push(`${op.method} ${op.path}: ${answer.status} ${errorCode(answer)}`);
    }
    expect(
      all
        .filter((o) => o.access === 'public')
        .map((o) => `${o.method} ${o.path}`)
        .sort(),
    ).toEqual(['GET /api/healthz', 'GET /api/openapi.json', 'GET /api/setup', 'POST /api/auth/login', 'POST /api/boxes/pair', 'POST /api/setup']);
    expect(wrong).toEqual([]);
  });

  it('answers a cashier on every admin operation with 403 KASSA_FORBIDDEN', async () => {
    const wrong: string[] = [];
    const all = operationsOf((await admin.call(server.url, 'GET', '/api/openapi.json')).body);
    const adminOnly = all.filter((o) => o.access === 'admin');
    expect(adminOnly.length).toBeGreaterThan(5);
    for (const op of adminOnly) {
      const answer = await cashier.raw(
        server.url,
        op.method,
        examplePath(op, new Random(4)),
        op.body === undefined ? undefined : { text: JSON.stringify(exampleOf(op.body, new Random(4))), contentType: 'application/json' },
      );
      if (answer.status !== 403 || errorCode(answer) !== 'KASSA_FORBIDDEN') wrong.push(`${op.method} ${op.path}: ${answer.status} ${errorCode(answer)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('refuses a cross-site form post and any write without the CSRF token, and changes nothing', async () => {
    const before = await snapshot(admin);
    const noToken = { 'x-csrf-token': '' };
    const form = await admin.raw(
      server.url,
      'POST',
      '/api/products',
      { text: 'name=Evil&priceCents=1&vatRate=21', contentType: 'application/x-www-form-urlencoded' },
      { ...noToken, origin: 'https://evil.example', referer: 'https://evil.example/' },
    );
    expect(form.status).toBeGreaterThanOrEqual(400);
    expect(form.status).toBeLessThan(500);
    expect(isErrorShape(form.body)).toBe(true);
    const json = await admin.raw(
      server.url,
      'POST',
      '/api/products',
      { text: JSON.stringify({ name: 'Evil', priceCents: 1, vatRate: 21 }), contentType: 'application/json' },
      noToken,
    );
    expect([json.status, errorCode(json)]).toEqual([403, 'KASSA_CSRF']);
    const forged = await admin.raw(
      server.url,
      'POST',
      '/api/products',
      { text: JSON.stringify({ name: 'Evil', priceCents: 1, vatRate: 21 }), contentType: 'application/json' },
      { 'x-csrf-token': 'forged-token-value' },
    );
    expect([forged.status, errorCode(forged)]).toEqual([403, 'KASSA_CSRF']);
    expect(await snapshot(admin)).toBe(before);
  });

  it('refuses a box with a wrong, a revoked or a replayed token, and welcomes a paired one', async () => {
    const paired = (await admin.call(server.url, 'POST', '/api/boxes', { name: 'Sweep box' })).body as { box: { id: string }; token: string };
    expect(await uplinkAnswer(server.url, paired.token)).toBe('welcome');
    expect(await uplinkAnswer(server.url, 'not-a-token')).toBe('refused');
    expect(await uplinkAnswer(server.url, `${paired.token.slice(0, -2)}xx`)).toBe('refused');
    expect(await uplinkAnswer(server.url, undefined)).toBe('refused');
    const revoke = await admin.call(server.url, 'POST', `/api/boxes/${paired.box.id}/revoke`);
    expect(revoke.status).toBe(200);
    // The same token, replayed after the revocation, opens nothing.
    expect(await uplinkAnswer(server.url, paired.token)).toBe('refused');
    expect(await uplinkAnswer(server.url, server.boxToken)).toBe('welcome');
  });

  it('keeps a cashier to the tills of its own POS: another POS’s cashier is refused its orders, payments and session, and nothing changes', async () => {
    const cash = ((await admin.call(server.url, 'GET', '/api/payment-methods')).body as { items: { id: number; kind: string }[] }).items.find(
      (m) => m.kind === 'cash',
    );
    const product = ((await admin.call(server.url, 'GET', '/api/products')).body as { items: { id: number; active: boolean }[] }).items.find((p) => p.active);
    expect(cash !== undefined && product !== undefined).toBe(true);
    const posOf = async (name: string) =>
      ((await admin.call(server.url, 'POST', '/api/pos-configs', { name, paymentMethodIds: [cash!.id] })).body as { id: number }).id;
    const [counter, terrace] = [await posOf('Sweep counter'), await posOf('Sweep terrace')];
    expect((await admin.call(server.url, 'POST', '/api/users', { username: 'sweep-terrace', password: 'terrace-cashier-sweep', role: 'cashier' })).status).toBe(
      201,
    );
    const other = new ApiClient([server.url]);
    expect((await other.login('sweep-terrace', 'terrace-cashier-sweep')).status).toBe(200);
    const open = async (caller: ApiClient, posConfigId: number) =>
      ((await caller.call(server.url, 'POST', '/api/sessions', { posConfigId, openingCashCents: 0 })).body as { id: number }).id;
    const session = await open(cashier, counter);
    await open(other, terrace);
    const orderId = randomUUID();
    expect(
      (await cashier.call(server.url, 'PUT', `/api/orders/${orderId}`, { sessionId: session, lines: [{ productId: product!.id, quantity: 2 }] })).status,
    ).toBe(201);
    const paymentUuid = randomUUID();
    expect((await cashier.call(server.url, 'PUT', `/api/payments/${paymentUuid}`, { orderId, paymentMethodId: cash!.id, amountCents: 1 })).status).toBe(201);
    const before = await snapshot(admin);
    const tries = actionsOnAnotherTill({
      sessionId: session,
      productId: product!.id,
      cashMethodId: cash!.id,
      orderId,
      paymentUuid,
      newOrder: randomUUID(),
      newPayment: randomUUID(),
    });
    const wrong: string[] = [];
    for (const [method, path, body] of tries) {
      const answer = await other.call(server.url, method, path, body);
      if (answer.status !== 403 || errorCode(answer) !== 'KASSA_FORBIDDEN') wrong.push(`${method} ${path}: ${answer.status} ${errorCode(answer)}`);
    }
    expect(wrong).toEqual([]);
    expect(await snapshot(admin)).toBe(before);
  });

  it('sends the security headers: a CSP without inline script, no framing, nosniff, no referrer', async () => {
    for (const path of ['/', '/api/healthz', '/api/openapi.json', '/api/nothing-here']) {
      const response = await fetch(`${server.url}${path}`);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).not.toContain('unsafe-inline');
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
  });

  it('answers an upgrade request on any path but the box uplink, and closes it', async () => {
    const { port } = new URL(server.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          'GET /api/events HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
        );
      });
      let text = '';
      socket.setTimeout(10_000, () => reject(new Error(`the upgrade was left hanging: ${text}`)));
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 404/);
  });

  it('refuses a weak or common password for a new user, naming the field, and changes nothing', async () => {
    const before = await snapshot(admin);
    for (const password of ['short1', '123456qwerty', '1q2w3e4r5t6y']) {
      const answer = await admin.call(server.url, 'POST', '/api/users', { username: `weak-${password}`, password, role: 'cashier' });
      expect([answer.status, errorCode(answer)], password).toEqual([400, 'KASSA_VALIDATION']);
    }
    expect(await snapshot(admin)).toBe(before);
  });

  it('answers the health check from the database', async () => {
    const health = await admin.call(server.url, 'GET', '/api/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok' });
  });

  it('never writes a password, a box token or a session cookie to the log', async () => {
    const secrets = [server.admin.password, server.cashier.password, server.boxToken, admin.sessionCookie, cashier.sessionCookie];
    expect(server.logs.length).toBeGreaterThan(10);
    const leaks = server.logs.filter((line) => secrets.some((secret) => line.includes(secret)));
    expect(leaks).toEqual([]);
  });

  it('holds the login limit: after 10 attempts in a minute the address gets 429 KASSA_RATE_LIMITED, even with the right password', async () => {
    const stranger = new ApiClient([server.url]);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await stranger.login('admin', `wrong-${i}`)).status);
    expect(statuses).toContain(429);
    const right = await stranger.login(server.admin.username, server.admin.password);
    expect([right.status, errorCode(right)]).toEqual([429, 'KASSA_RATE_LIMITED']);
  });
});
