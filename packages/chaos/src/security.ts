import { startTerminal } from '@kassa/terminal-sim';
import { connect } from 'node:net';
import { ApiClient, errorCode } from './api.js';
import { hostileBox } from './hostile-box.js';
import { exampleOf, operationsOf, type Operation } from './openapi-mutations.js';
import { sleep, waitUntil } from './processes.js';
import type { Random } from './random.js';
import type { SecurityRun } from './security-run.js';
import { checkDataAtRest } from './security-at-rest.js';
import { tryCsrf, tryOtherPosCashier, tryWeakPasswords } from './security-http.js';
import { tryLoginLimits } from './security-logins.js';
import { trySlowClients } from './security-slow-clients.js';
import type { Finding } from './verify.js';
import type { Shop, World } from './world.js';

/**
 * The end of a chaos run, once the tills have settled and their figures are taken: the attacks
 * the trust rules stop, tried against the same running processes, in this order.
 *
 * - An impostor on another address of the shop network (127.0.0.2) dials the box claiming the
 *   TerminalId of an online terminal, with another serial number, again and again for a few
 *   seconds: the box refuses every attempt, the real terminal keeps its session, and the impostor
 *   is never asked for a transaction.
 * - The HTTP sweep against the running servers: every non-public operation of the OpenAPI
 *   document refused without a session (401), every admin operation refused to the cashier (403),
 *   a cashier's force done on a declined payment refused and the payment unchanged, the security
 *   headers on every answer, an upgrade request on any path but the uplink answered 404.
 * - Slow clients (`security-slow-clients.ts`): headers that never end are answered 408 and closed,
 *   and a kept-alive connection gone silent is closed, each within its server timeout (10 s, 5 s).
 * - CSRF (`security-http.ts`): writes with the session cookie but without the CSRF token, with a
 *   forged one, and a cross-site form post are refused (403 KASSA_CSRF); what they name reads the
 *   same afterwards.
 * - Weak passwords (`security-http.ts`): a new user with `password`, `12345678`, an 11-character
 *   or a common password is refused naming the field, and no user appears.
 * - A cashier of another POS (`security-http.ts`; a second POS and its cashier are made for it) is
 *   refused every action on an order, a payment and the session of the run's POS; nothing changes.
 * - A hostile box holding the paired box's valid token (the real box's uplink is cut meanwhile)
 *   sends forged, out-of-order, malformed and oversized messages (`hostile-box.ts`): no payment is
 *   settled against the rules and the server stays healthy.
 * - Data at rest (`security-at-rest.ts`): the server's and the box's data folders are 0700 and
 *   their files 0600.
 * - Last, the login limit (`security-logins.ts`), on a user made for it and from addresses nothing
 *   else uses: per address (a fresh X-Forwarded-For on every try must not escape it: the run's
 *   servers trust no proxy) and per username, the right password refused while locked, the lock
 *   growing after a second offence (this waits out the first lock, a minute), and an admin's unlock.
 *
 * Not tried here: the pruning of box events that named no payment (`box_unmatched_events`). The
 * server prunes them every 10 minutes once they are 30 days old, and shows neither through its
 * API; `packages/server/src/uplink/seen-retention.test.ts` › "prunes unmatched box events with the
 * same window, keeping the recent ones" covers it with a clock of its own.
 */
export interface SecurityReport {
  readonly findings: readonly Finding[];
  readonly counts: Readonly<Record<string, number>>;
  /** The passwords of the users the phase made, for the check that no log holds them. */
  readonly secrets: ReadonlyMap<string, string>;
}

interface TerminalSeen {
  readonly terminalId: string;
  readonly online: boolean;
  readonly address: string | null;
}

interface BoxSeen {
  readonly terminalConflicts: { readonly total: number; readonly recent: readonly { readonly terminalId: string; readonly reason: string }[] };
  readonly terminals: readonly TerminalSeen[];
}

const IMPOSTOR_ADDRESS = '127.0.0.2';
const IMPOSTOR_SECONDS = 3;

async function boxStatus(world: World): Promise<BoxSeen> {
  const answer = await fetch(`http://127.0.0.1:${world.boxHttpPort}/status`);
  if (!answer.ok) throw new Error(`the box status answered ${answer.status}`);
  return (await answer.json()) as BoxSeen;
}

async function tryImpostor({ world, random, findings, counts }: SecurityRun): Promise<void> {
  const rule = 'an impostor never replaces a terminal';
  const target = random.pick(world.terminals).terminalId;
  await waitUntil(
    `terminal ${target} online on the box`,
    async () => (await boxStatus(world)).terminals.some((t) => t.terminalId === target && t.online),
    30_000,
    200,
  );
  const before = (await boxStatus(world)).terminalConflicts.total;
  const impostor = startTerminal({
    box: { host: '127.0.0.1', port: world.boxPort },
    terminalId: target,
    serialNumber: '999S00000000',
    localAddress: IMPOSTOR_ADDRESS,
    scenario: 'approve',
    reconnect: { initialMs: 100, maxMs: 300 },
  });
  impostor.events.on('error', () => undefined);
  let dials = 0;
  impostor.events.on('connected', () => dials++);
  await sleep(IMPOSTOR_SECONDS * 1000);
  await impostor.close();
  const after = await boxStatus(world);
  const real = after.terminals.find((t) => t.terminalId === target);
  counts['impostor connections'] = dials;
  counts['impostor connections refused'] = after.terminalConflicts.total - before;
  if (dials === 0) findings.push({ rule, detail: `the impostor of ${target} never reached the box from ${IMPOSTOR_ADDRESS}` });
  if (after.terminalConflicts.total - before < dials)
    findings.push({ rule, detail: `${dials} impostor connection(s) for ${target}, only ${after.terminalConflicts.total - before} refused` });
  if (real === undefined || !real.online || real.address === null || real.address.endsWith(IMPOSTOR_ADDRESS))
    findings.push({ rule, detail: `after the impostor, terminal ${target} is ${JSON.stringify(real)}` });
  if (impostor.ledger.length > 0) findings.push({ rule, detail: `the impostor of ${target} was asked for ${impostor.ledger.length} transaction(s)` });
}

/** The operation's path with an example value in each parameter. */
function examplePath(op: Operation, random: Random): string {
  return op.path.replace(/\{([^}]+)\}/g, (_m, name: string) =>
    encodeURIComponent(String(exampleOf(op.params.find((p) => p.name === name)?.schema ?? {}, random))),
  );
}

function exampleBody(op: Operation, random: Random): { text: string; contentType: string } | undefined {
  return op.body === undefined ? undefined : { text: JSON.stringify(exampleOf(op.body, random)), contentType: 'application/json' };
}

/** What an upgrade request on a path other than the box uplink is answered: the status line. */
function upgradeAnswer(serverUrl: string, path: string): Promise<string> {
  const { hostname, port } = new URL(serverUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () =>
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      ),
    );
    let text = '';
    socket.setTimeout(10_000, () => {
      socket.destroy();
      reject(new Error(`the upgrade on ${path} was left hanging`));
    });
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('close', () => resolve(text.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
  });
}

async function sweepHttp({ world, admin, cashier, random, findings, counts }: SecurityRun): Promise<void> {
  const rule = 'the HTTP sweep holds';
  const server = world.serverUrls[0]!;
  const operations = operationsOf((await admin.call(server, 'GET', '/api/openapi.json')).body);
  if (operations.length < 20) findings.push({ rule, detail: `the OpenAPI document lists only ${operations.length} operations` });
  const anonymous = new ApiClient(world.serverUrls);
  let requests = 0;
  for (const op of operations.filter((o) => o.access !== 'public')) {
    const answer = await anonymous.raw(server, op.method, examplePath(op, random), exampleBody(op, random));
    requests++;
    if (answer.status !== 401 || errorCode(answer) !== 'KASSA_UNAUTHENTICATED')
      findings.push({ rule, detail: `${op.method} ${op.path} without a session: ${answer.status} ${errorCode(answer)}` });
  }
  for (const op of operations.filter((o) => o.access === 'admin')) {
    const answer = await cashier.raw(server, op.method, examplePath(op, random), exampleBody(op, random));
    requests++;
    if (answer.status !== 403 || errorCode(answer) !== 'KASSA_FORBIDDEN')
      findings.push({ rule, detail: `${op.method} ${op.path} as the cashier: ${answer.status} ${errorCode(answer)}` });
  }
  // A declined card was not charged: nobody turns it into paid, a cashier least of all.
  const declined = (await admin.call(server, 'GET', '/api/payments?state=retry&limit=1')).body as { items?: { uuid: string }[] };
  const uuid = declined.items?.[0]?.uuid;
  if (uuid !== undefined) {
    const forced = await cashier.call(server, 'POST', `/api/payments/${uuid}/force-done`, { reason: 'the customer says it was paid' });
    requests++;
    const after = (await admin.call(server, 'GET', `/api/payments/${uuid}`)).body as { payment?: { state?: string } };
    if (forced.status < 400 || after.payment?.state !== 'retry')
      findings.push({ rule, detail: `a cashier's force done on declined payment ${uuid}: ${forced.status}, now ${after.payment?.state}` });
  }
  for (const path of ['/', '/api/healthz', '/api/openapi.json', '/api/nothing-here']) {
    const response = await fetch(`${server}${path}`);
    requests++;
    const csp = response.headers.get('content-security-policy') ?? '';
    const headers = [
      csp.includes("frame-ancestors 'none'"),
      !csp.includes('unsafe-inline'),
      response.headers.get('x-content-type-options') === 'nosniff',
      response.headers.get('x-frame-options') === 'DENY',
    ];
    if (headers.includes(false)) findings.push({ rule, detail: `${path} lacks a security header (CSP "${csp}")` });
  }
  for (const path of ['/api/events', '/api/nothing-here']) {
    const status = await upgradeAnswer(server, path);
    requests++;
    if (!status.startsWith('HTTP/1.1 404')) findings.push({ rule, detail: `an upgrade request on ${path} was answered "${status}"` });
  }
  counts['security sweep requests'] = requests;
}

/** The TerminalId of the demo's card method: the hostile box forges answers about it. */
async function demoCardTerminal(world: World, admin: ApiClient): Promise<string> {
  const server = world.serverUrls[0]!;
  const methods = (await admin.call(server, 'GET', '/api/payment-methods')).body as { items: { terminal: string; deviceId: number | null }[] };
  const devices = (await admin.call(server, 'GET', '/api/devices')).body as { items: { id: number; terminalId: string }[] };
  const card = methods.items.find((m) => m.terminal === 'ingenico' && m.deviceId !== null);
  const device = devices.items.find((d) => d.id === card?.deviceId);
  if (device === undefined) throw new Error('the demo data has no card method with a terminal');
  return device.terminalId;
}

async function tryHostileBox({ world, admin, cashier, seed, findings, counts }: SecurityRun): Promise<void> {
  const rule = 'a hostile box settles nothing';
  // The real box holds the same token; it stays off the uplink while the hostile one speaks.
  world.proxy.cut();
  try {
    const report = await hostileBox({
      serverUrl: world.serverUrls[0]!,
      boxToken: world.boxToken,
      terminalId: await demoCardTerminal(world, admin),
      admin,
      cashier,
      seed,
    });
    counts['hostile box messages'] = report.sent;
    for (const problem of report.problems) findings.push({ rule, detail: problem });
  } finally {
    world.proxy.restore();
  }
}

export async function securityPhase(
  world: World,
  shop: Shop,
  admin: ApiClient,
  cashier: ApiClient,
  random: Random,
  seed: number,
  log: (line: string) => void,
): Promise<SecurityReport> {
  const findings: Finding[] = [];
  const counts: Record<string, number> = {};
  const run: SecurityRun = { world, shop, admin, cashier, random, seed, findings, counts };
  const secrets = new Map<string, string>();
  const attempt = async (what: string, run: () => Promise<void>): Promise<void> => {
    log(`security: ${what}`);
    try {
      await run();
    } catch (error) {
      findings.push({ rule: 'the security phase runs', detail: `${what}: ${error instanceof Error ? error.message : String(error)}` });
    }
  };
  await attempt(`an impostor on ${IMPOSTOR_ADDRESS} claims an online terminal for ${IMPOSTOR_SECONDS} s`, () => tryImpostor(run));
  await attempt('the HTTP sweep: sessions, roles, a forced decline, headers, stray upgrades', () => sweepHttp(run));
  await attempt('clients that never finish their headers, or go silent on a kept-alive connection', () => trySlowClients(world, findings, counts));
  await attempt('writes without the CSRF token, and a cross-site form post', () => tryCsrf(run));
  await attempt('new users with weak passwords', () => tryWeakPasswords(run));
  await attempt('a cashier of another POS on this POS’s order, payment and session', async () => {
    secrets.set('other POS cashier password', (await tryOtherPosCashier(run)).password);
  });
  await attempt('a hostile box with the paired token forges answers', () => tryHostileBox(run));
  await attempt('the data folders are the owner’s only', async () => checkDataAtRest(world.dataDirs, findings, counts));
  // Last: nothing after it logs in, so its locks cannot get in the way (see security-logins.ts).
  await attempt('the login limit per address and per username, growing, and an unlock (waits out a lock)', async () => {
    secrets.set('login limit user password', (await tryLoginLimits(run)).password);
  });
  return { findings, counts, secrets };
}
