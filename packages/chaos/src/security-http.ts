import { randomBytes, randomUUID } from 'node:crypto';
import { ApiClient, errorCode, type ApiAnswer } from './api.js';
import type { SecurityRun } from './security-run.js';

/**
 * The HTTP API's trust rules that need a write to try, against the running servers of a chaos run:
 * the CSRF guard, the password rule for new users, and a cashier kept to the tills of its own POS.
 * Each refused write is read back: a refusal that changed something is a finding too.
 */

/** A text that tells two reads of the same object apart, whatever order its keys come in. */
function readBack(answer: ApiAnswer): string {
  return `${answer.status} ${JSON.stringify(answer.body)}`;
}

function details(answer: ApiAnswer): Record<string, unknown> {
  const body = answer.body as { error?: { details?: Record<string, unknown> } } | null;
  return body?.error?.details ?? {};
}

interface ProductSeen {
  readonly id: number;
  readonly name: string;
  readonly priceCents: number;
  readonly vatRate: number;
}

async function products(admin: ApiClient, server: string): Promise<ProductSeen[]> {
  const answer = await admin.call(server, 'GET', '/api/products');
  if (answer.status !== 200) throw new Error(`the products list answered ${answer.status}`);
  return (answer.body as { items: ProductSeen[] }).items;
}

/**
 * A write that carries the session cookie but not the session's CSRF token — none, a forged one, or
 * a cross-site form post such as another site's page can make a browser send — is refused with
 * 403 KASSA_CSRF before it is read, and the product it names, the product list and the order it
 * would open are as before.
 */
export async function tryCsrf({ world, shop, admin, cashier, findings, counts }: SecurityRun): Promise<void> {
  const rule = 'a write without the CSRF token changes nothing';
  const server = world.serverUrls[0]!;
  const before = await products(admin, server);
  const target = before.find((p) => p.id === shop.productIds[0]);
  if (target === undefined) throw new Error(`the run's product ${shop.productIds[0]} is not in the list`);
  const change = JSON.stringify({ name: `${target.name} (CSRF)`, priceCents: target.priceCents + 1, vatRate: target.vatRate });
  const create = JSON.stringify({ name: 'Chaos CSRF product', priceCents: 1, vatRate: target.vatRate });
  const json = (text: string): { text: string; contentType: string } => ({ text, contentType: 'application/json' });
  const orderId = randomUUID();
  const tries: { what: string; send: () => Promise<ApiAnswer> }[] = [
    { what: 'a product change without the token', send: () => admin.raw(server, 'PUT', `/api/products/${target.id}`, json(change), { 'x-csrf-token': '' }) },
    { what: 'a new product without the token', send: () => admin.raw(server, 'POST', '/api/products', json(create), { 'x-csrf-token': '' }) },
    {
      what: 'a product change with a forged token',
      send: () => admin.raw(server, 'PUT', `/api/products/${target.id}`, json(change), { 'x-csrf-token': randomBytes(32).toString('base64url') }),
    },
    {
      what: 'a cross-site form post of a new product',
      send: () =>
        admin.raw(
          server,
          'POST',
          '/api/products',
          { text: `name=Chaos+CSRF+form&priceCents=1&vatRate=${target.vatRate}`, contentType: 'application/x-www-form-urlencoded' },
          { 'x-csrf-token': '', origin: 'https://evil.example', referer: 'https://evil.example/pay', 'sec-fetch-site': 'cross-site' },
        ),
    },
    {
      what: 'a cashier’s new order without the token',
      send: () =>
        cashier.raw(
          server,
          'PUT',
          `/api/orders/${orderId}`,
          json(JSON.stringify({ sessionId: shop.sessionId, lines: [{ productId: shop.productIds[0]!, quantity: 1 }] })),
          { 'x-csrf-token': '' },
        ),
    },
  ];
  for (const { what, send } of tries) {
    const answer = await send();
    counts['security CSRF writes tried'] = (counts['security CSRF writes tried'] ?? 0) + 1;
    if (answer.status !== 403 || errorCode(answer) !== 'KASSA_CSRF') findings.push({ rule, detail: `${what}: ${answer.status} ${errorCode(answer)}` });
  }
  const after = await products(admin, server);
  if (JSON.stringify(after) !== JSON.stringify(before))
    findings.push({
      rule,
      detail: `the products changed: ${before.length} before, ${after.length} after, product ${target.id} now ${JSON.stringify(after.find((p) => p.id === target.id))}`,
    });
  const order = await admin.call(server, 'GET', `/api/orders/${orderId}`);
  if (order.status !== 404) findings.push({ rule, detail: `order ${orderId}, refused for want of the token, answers ${order.status}` });
}

interface UserSeen {
  readonly id: number;
  readonly username: string;
  readonly role: string;
  readonly active: boolean;
}

async function users(admin: ApiClient, server: string): Promise<string> {
  const answer = await admin.call(server, 'GET', '/api/users');
  if (answer.status !== 200) throw new Error(`the users list answered ${answer.status}`);
  // Not the lock times, which run out by themselves.
  return (answer.body as { items: UserSeen[] }).items.map((u) => `${u.id} ${u.username} ${u.role} ${u.active}`).join('\n');
}

/** Too short (the contract's minimum is 12 characters), among the most common ones (or one padded with digits), or the new user's username in capitals. */
const WEAK_PASSWORDS: readonly (string | ((username: string) => string))[] = [
  'password',
  '12345678',
  'kassa-chaos',
  '1q2w3e4r5t6y',
  'password1234',
  (username) => `${username.toUpperCase()}!`,
];

/** An admin creating a user with a weak password is refused (400 KASSA_VALIDATION naming `password`), and no user appears. */
export async function tryWeakPasswords({ world, admin, seed, findings, counts }: SecurityRun): Promise<void> {
  const rule = 'a weak password is refused';
  const server = world.serverUrls[0]!;
  const before = await users(admin, server);
  for (const [i, weak] of WEAK_PASSWORDS.entries()) {
    const username = `chaos-weak-${seed}-${i}`;
    const password = typeof weak === 'string' ? weak : weak(username);
    const answer = await admin.call(server, 'POST', '/api/users', { username, password, role: 'cashier' });
    counts['security weak passwords tried'] = (counts['security weak passwords tried'] ?? 0) + 1;
    const issues = details(answer)['issues'];
    const named =
      details(answer)['field'] === 'password' || (Array.isArray(issues) && issues.some((issue) => (issue as { path?: unknown }).path === '/password'));
    if (answer.status !== 400 || errorCode(answer) !== 'KASSA_VALIDATION' || !named)
      findings.push({
        rule,
        detail: `a new user with the ${password.length}-character password "${password}": ${answer.status} ${errorCode(answer)}, field named: ${named}`,
      });
  }
  if ((await users(admin, server)) !== before) findings.push({ rule, detail: 'the users changed after only refused creations' });
}

interface Named {
  readonly id: number;
  readonly name?: string;
  readonly username?: string;
}

/** The id of the item of `list` with this name, creating it with `create` when there is none. */
export async function findOrCreate(
  admin: ApiClient,
  server: string,
  list: string,
  match: (item: Named) => boolean,
  create: () => Promise<ApiAnswer>,
): Promise<number> {
  const found = ((await admin.call(server, 'GET', list)).body as { items?: Named[] } | null)?.items?.find(match);
  if (found !== undefined) return found.id;
  const created = await create();
  if (created.status !== 201) throw new Error(`creating in ${list}: ${created.status} ${errorCode(created)}`);
  return (created.body as { id: number }).id;
}

/**
 * A cashier the run makes for itself, named `username`, with a fresh password. One made on an
 * earlier try of the same seed (a kept database) gets this run's password, is active again and has
 * no login lock.
 */
export async function runCashier(
  admin: ApiClient,
  server: string,
  username: string,
): Promise<{ id: number; credentials: { username: string; password: string } }> {
  const credentials = { username, password: randomBytes(18).toString('base64url') };
  const id = await findOrCreate(
    admin,
    server,
    '/api/users',
    (u) => u.username === username,
    () => admin.call(server, 'POST', '/api/users', { ...credentials, role: 'cashier' }),
  );
  for (const [method, path, body] of [
    ['PATCH', `/api/users/${id}`, { password: credentials.password, active: true }],
    ['POST', `/api/users/${id}/unlock`, undefined],
  ] as const) {
    const answer = await admin.call(server, method, path, body);
    if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${errorCode(answer)}`);
  }
  return { id, credentials };
}

/** A till's session with an order and its cash line, as another POS's cashier would aim at them. */
export interface AnotherTill {
  readonly sessionId: number;
  readonly productId: number;
  readonly cashMethodId: number;
  readonly orderId: string;
  readonly paymentUuid: string;
  /** Uuids for an order and a payment the intruder would make there. */
  readonly newOrder: string;
  readonly newPayment: string;
}

/** Everything a cashier could try on a till that is not theirs: each must be refused 403 and change nothing. */
export function actionsOnAnotherTill(till: AnotherTill): [method: string, path: string, body?: unknown][] {
  const { sessionId, productId, cashMethodId, orderId, paymentUuid, newOrder, newPayment } = till;
  return [
    ['PUT', `/api/orders/${newOrder}`, { sessionId, lines: [{ productId, quantity: 1 }] }],
    ['PUT', `/api/payments/${newPayment}`, { orderId, paymentMethodId: cashMethodId, amountCents: 1 }],
    ['POST', `/api/payments/${paymentUuid}/cancel`],
    ['POST', `/api/payments/${paymentUuid}/check`],
    ['POST', `/api/payments/${paymentUuid}/force-done`, { reason: 'not my till' }],
    ['POST', `/api/payments/${paymentUuid}/mark-failed`, { reason: 'not my till' }],
    ['POST', `/api/orders/${orderId}/validate`],
    ['POST', `/api/orders/${orderId}/cancel`],
    ['POST', `/api/sessions/${sessionId}/close`, { countedCashCents: 0 }],
  ];
}

/**
 * A second POS with a cashier of its own (made once per run, named after the seed): that cashier
 * is refused (403 KASSA_FORBIDDEN) every action on an order, a payment and the session of the run's
 * POS, and the order, the payment and the session read the same afterwards.
 */
export async function tryOtherPosCashier({
  world,
  shop,
  admin,
  cashier,
  seed,
  findings,
  counts,
}: SecurityRun): Promise<{ username: string; password: string }> {
  const rule = 'a cashier sells only on the tills of its own POS';
  const server = world.serverUrls[0]!;
  const posName = `Chaos other POS ${seed}`;
  const posId = await findOrCreate(
    admin,
    server,
    '/api/pos-configs',
    (p) => p.name === posName,
    () => admin.call(server, 'POST', '/api/pos-configs', { name: posName, paymentMethodIds: [shop.cashMethodId] }),
  );
  const { credentials } = await runCashier(admin, server, `chaos-other-${seed}`);
  const other = new ApiClient(world.serverUrls);
  const login = await other.login(credentials.username, credentials.password);
  if (login.status !== 200) throw new Error(`the other POS's cashier could not log in: ${login.status} ${errorCode(login)}`);
  const opened = await other.call(server, 'POST', '/api/sessions', { posConfigId: posId, openingCashCents: 0 });
  if (opened.status !== 201 && opened.status !== 409) throw new Error(`the other POS's session: ${opened.status} ${errorCode(opened)}`);

  // An order of the run's POS, with a cash line, made by the run's cashier.
  const orderId = randomUUID();
  const made = await cashier.call(server, 'PUT', `/api/orders/${orderId}`, {
    sessionId: shop.sessionId,
    lines: [{ productId: shop.productIds[0]!, quantity: 2 }],
  });
  if (made.status !== 201) throw new Error(`an order of the run's POS: ${made.status} ${errorCode(made)}`);
  const paymentUuid = randomUUID();
  const paid = await cashier.call(server, 'PUT', `/api/payments/${paymentUuid}`, { orderId, paymentMethodId: shop.cashMethodId, amountCents: 1 });
  if (paid.status !== 201) throw new Error(`a cash line of the run's POS: ${paid.status} ${errorCode(paid)}`);

  const newOrder = randomUUID();
  const newPayment = randomUUID();
  const reads = [
    `/api/orders/${orderId}`,
    `/api/payments/${paymentUuid}`,
    `/api/sessions/${shop.sessionId}`,
    `/api/orders/${newOrder}`,
    `/api/payments/${newPayment}`,
  ];
  const read = async (): Promise<string[]> => Promise.all(reads.map(async (path) => readBack(await admin.call(server, 'GET', path))));
  const before = await read();
  const tries = actionsOnAnotherTill({
    sessionId: shop.sessionId,
    productId: shop.productIds[0]!,
    cashMethodId: shop.cashMethodId,
    orderId,
    paymentUuid,
    newOrder,
    newPayment,
  });
  for (const [method, path, body] of tries) {
    const answer = await other.call(server, method, path, body);
    counts['security other POS actions tried'] = (counts['security other POS actions tried'] ?? 0) + 1;
    if (answer.status !== 403 || errorCode(answer) !== 'KASSA_FORBIDDEN')
      findings.push({ rule, detail: `${method} ${path} by the cashier of another POS: ${answer.status} ${errorCode(answer)}` });
  }
  const after = await read();
  for (const [i, path] of reads.entries())
    if (after[i] !== before[i]) findings.push({ rule, detail: `${path} changed after the other POS's refused actions: ${after[i]!.slice(0, 300)}` });
  return credentials;
}
