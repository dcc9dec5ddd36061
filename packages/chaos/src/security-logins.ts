import { request } from 'node:http';
import { errorCode } from './api.js';
import { sleep } from './processes.js';
import { runCashier } from './security-http.js';
import type { SecurityRun } from './security-run.js';

/**
 * The login limit, tried last in the security phase, on a user made for it and from addresses of
 * the loopback network that nothing else uses: the run's own clients keep the sessions they opened
 * from 127.0.0.1 at the start and log in no more, so neither a lock on this user nor one on these
 * addresses can touch them (the lock counters are keyed by username and by the request's address,
 * `packages/server/src/services/auth.ts`).
 *
 * - Per address: wrong logins for ever new usernames lock the address, and then the right password
 *   of a real user is refused from it too (429 KASSA_RATE_LIMITED, scope `address`). Each of these
 *   tries carries a fresh `X-Forwarded-For`: the run starts its servers without `--trust-proxy`, so
 *   the header must be ignored — a server that believed it would count every try on another
 *   address and never lock.
 * - Per username: wrong passwords from one address lock the user, and its right password is then
 *   refused from an address with no failures (scope `username`).
 * - Growing delays: once both locks have run out, one more failure locks each again for longer
 *   than the first time (the server doubles the lock; its first lock is a minute, so this waits).
 * - An admin's unlock (`POST /api/users/{id}/unlock`) lets the user in again at once, from a clean
 *   address; the address's own lock stays.
 */

/** The guesser of one user's password. */
const GUESSER = '127.0.0.21';
/** The sprayer of many usernames, behind forged X-Forwarded-For headers. */
const SPRAYER = '127.0.0.22';
/** A till with no failed login, where the user's right password is tried. */
const TILL = '127.0.0.23';
/** Failures allowed before a lock is expected; the server's policy is 5 per username and 10 per address. */
const USERNAME_BOUND = 10;
const ADDRESS_BOUND = 20;
/** The run waits out a first lock of at most this long to see the second one grow. */
const LONGEST_WAIT_MS = 150_000;

interface LoginTry {
  readonly status: number;
  readonly code: string | undefined;
  readonly scope: unknown;
  readonly retryAfterMs: number;
}

/** POST /api/auth/login from a chosen local address, on a connection of its own, with no cookie. */
function loginFrom(serverUrl: string, localAddress: string, username: string, password: string, headers: Record<string, string> = {}): Promise<LoginTry> {
  const { hostname, port } = new URL(serverUrl);
  const body = JSON.stringify({ username, password });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port: Number(port),
        method: 'POST',
        path: '/api/auth/login',
        localAddress,
        agent: false,
        timeout: 15_000,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          let parsed: unknown = null;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: no code
          }
          const status = response.statusCode ?? 0;
          const details = (parsed as { error?: { details?: { scope?: unknown; retryAfterMs?: unknown } } } | null)?.error?.details;
          resolve({
            status,
            code: errorCode({ status, body: parsed, server: serverUrl }),
            scope: details?.scope,
            retryAfterMs: typeof details?.retryAfterMs === 'number' ? details.retryAfterMs : 0,
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`the login from ${localAddress} was left hanging`)));
    req.on('error', reject);
    req.end(body);
  });
}

const show = (t: LoginTry): string => `${t.status} ${t.code ?? ''}${t.scope === undefined ? '' : ` (${String(t.scope)})`}`;

export async function tryLoginLimits({ world, admin, seed, findings, counts }: SecurityRun): Promise<{ username: string; password: string }> {
  const rule = 'the login limit holds';
  const server = world.serverUrls[0]!;
  counts['security login attempts'] = 0;
  counts['security logins limited'] = 0;
  counts['security forged X-Forwarded-For logins'] = 0;
  const attempt = async (from: string, username: string, password: string, headers?: Record<string, string>): Promise<LoginTry> => {
    const answer = await loginFrom(server, from, username, password, headers);
    counts['security login attempts']!++;
    if (answer.status === 429) counts['security logins limited']!++;
    return answer;
  };
  let forged = 0;
  const spray = (username: string, password: string): Promise<LoginTry> => {
    forged++;
    counts['security forged X-Forwarded-For logins']!++;
    return attempt(SPRAYER, username, password, { 'x-forwarded-for': `198.51.100.${forged % 250}, 203.0.113.${forged % 250}` });
  };
  const limited = (t: LoginTry, scope: string): boolean => t.status === 429 && t.code === 'KASSA_RATE_LIMITED' && t.scope === scope && t.retryAfterMs > 0;

  const { id: strangerId, credentials: stranger } = await runCashier(admin, server, `chaos-stranger-${seed}`);

  // Per address, whatever X-Forwarded-For says.
  let addressLock: LoginTry | undefined;
  for (let i = 0; i < ADDRESS_BOUND && addressLock === undefined; i++) {
    const answer = await spray(`chaos-nobody-${seed}-${i}`, `wrong-${i}`);
    if (answer.status === 429) addressLock = answer;
    else if (answer.status !== 401) findings.push({ rule, detail: `a wrong login from ${SPRAYER}: ${show(answer)}` });
  }
  if (addressLock === undefined || !limited(addressLock, 'address'))
    findings.push({
      rule,
      detail: `${ADDRESS_BOUND} wrong logins from ${SPRAYER}, each with a fresh X-Forwarded-For: ${addressLock === undefined ? 'never limited' : show(addressLock)}`,
    });
  const addressRight = await spray(stranger.username, stranger.password);
  if (!limited(addressRight, 'address')) findings.push({ rule, detail: `the right password from the locked ${SPRAYER}: ${show(addressRight)}` });

  // Per username, from one address, then the right password from another.
  let userLock: LoginTry | undefined;
  for (let i = 0; i < USERNAME_BOUND && userLock === undefined; i++) {
    const answer = await attempt(GUESSER, stranger.username, `wrong-${i}`);
    if (answer.status === 429) userLock = answer;
    else if (answer.status !== 401) findings.push({ rule, detail: `a wrong password for ${stranger.username}: ${show(answer)}` });
  }
  if (userLock === undefined || !limited(userLock, 'username'))
    findings.push({ rule, detail: `${USERNAME_BOUND} wrong passwords for ${stranger.username}: ${userLock === undefined ? 'never limited' : show(userLock)}` });
  const userRight = await attempt(TILL, stranger.username, stranger.password);
  if (!limited(userRight, 'username'))
    findings.push({ rule, detail: `the right password of the locked ${stranger.username} from ${TILL}: ${show(userRight)}` });

  // Growing delays: a failure after the first lock ran out locks for longer.
  if (addressLock !== undefined && userLock !== undefined && limited(addressLock, 'address') && limited(userLock, 'username')) {
    const wait = Math.max(addressLock.retryAfterMs, userLock.retryAfterMs);
    if (wait > LONGEST_WAIT_MS) findings.push({ rule, detail: `a first lock of ${wait} ms: longer than the run waits to see it grow` });
    else {
      await sleep(wait + 1000);
      const grows = async (what: string, fail: () => Promise<LoginTry>, first: LoginTry, scope: string): Promise<void> => {
        let failed = await fail();
        // The two clocks may differ by a moment: a lock about to run out is waited out once more.
        for (let i = 0; i < 3 && failed.status === 429 && failed.retryAfterMs < 5000; i++) {
          await sleep(failed.retryAfterMs + 500);
          failed = await fail();
        }
        const again = await fail();
        if (failed.status !== 401 || !limited(again, scope) || again.retryAfterMs <= first.retryAfterMs * 1.5)
          findings.push({
            rule,
            detail: `${what}: after the first lock (${first.retryAfterMs} ms) ran out, a failure answered ${show(failed)}, then ${show(again)} for ${again.retryAfterMs} ms`,
          });
      };
      await grows(`the lock of ${SPRAYER}`, () => spray(`chaos-nobody-${seed}-again`, 'wrong-again'), addressLock, 'address');
      await grows(`the lock of ${stranger.username}`, () => attempt(GUESSER, stranger.username, 'wrong-again'), userLock, 'username');
    }
  }

  // An admin unlocks the user: in at once from a clean address; the address stays locked.
  const listed = ((await admin.call(server, 'GET', '/api/users')).body as { items?: { id: number; lockedUntil?: string | null }[] } | null)?.items;
  if (typeof listed?.find((u) => u.id === strangerId)?.lockedUntil !== 'string')
    findings.push({ rule, detail: `the users list does not show ${stranger.username} locked` });
  const unlock = await admin.call(server, 'POST', `/api/users/${strangerId}/unlock`);
  if (unlock.status !== 204) findings.push({ rule, detail: `an admin's unlock of ${stranger.username}: ${unlock.status} ${errorCode(unlock)}` });
  const unlocked = await attempt(TILL, stranger.username, stranger.password);
  if (unlocked.status !== 200) findings.push({ rule, detail: `the right password of ${stranger.username} after the unlock: ${show(unlocked)}` });
  else counts['security logins unlocked by an admin'] = 1;
  const stillLocked = await spray(stranger.username, stranger.password);
  if (!limited(stillLocked, 'address')) findings.push({ rule, detail: `the right password from ${SPRAYER} after the user's unlock: ${show(stillLocked)}` });
  return stranger;
}
