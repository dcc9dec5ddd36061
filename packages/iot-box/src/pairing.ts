import { closeSync, fchownSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { PairingRefusal } from '@kassa/contract';
import type { PairArgs, StoredPairing } from './config.js';
import { BoxError, BoxErrorCode } from './errors.js';

/** The server URL and box token that `kassa-iotbox pair` got; readable by the box's user only. */
export const PAIRING_FILE = 'pairing.json';
const PAIR_TIMEOUT_MS = 15_000;

/** The stored pairing of this data folder, or null when the box was never paired by code. */
export function readPairing(dataDir: string): StoredPairing | null {
  const path = join(dataDir, PAIRING_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new BoxError(BoxErrorCode.BadPairingFile, `${path}: ${(error as Error).message}`);
  }
  try {
    const value = JSON.parse(text) as Partial<StoredPairing>;
    if (typeof value.server === 'string' && typeof value.token === 'string') {
      return { server: value.server, token: value.token, ...(value.insecure === true ? { insecure: true } : {}) };
    }
  } catch {
    // Reported below, as for a file of the wrong shape.
  }
  throw new BoxError(BoxErrorCode.BadPairingFile, `${path} does not hold a server and a token; pair the box again`);
}

/**
 * Written whole (temporary file, fsync, rename) with mode 0600: the token is the box's password.
 * Root pairing into a service's data folder (/var/lib/kassa-iotbox) gives the file to the folder's
 * owner, the service's user, which could not read it otherwise.
 */
export function writePairing(dataDir: string, pairing: StoredPairing): string {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, PAIRING_FILE);
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    const owner = statSync(dataDir);
    if (process.getuid?.() === 0 && owner.uid !== 0) fchownSync(fd, owner.uid, owner.gid);
    writeSync(fd, `${JSON.stringify(pairing, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  return path;
}

/** ws(s):// is the uplink's scheme; the pairing is a plain HTTP request to the same server. */
function httpBase(server: string): string {
  return server.replace(/^ws(s?):\/\//, 'http$1://').replace(/\/+$/, '');
}

/** What each refusal of POST /api/boxes/pair means for the person at the box. */
const REFUSALS: Record<PairingRefusal, string> = {
  unknown: 'the code is wrong: the server has no such code; check the six digits, or show a new code in the back office',
  expired: 'the code has expired (a code works for ten minutes); show a new one in the back office',
  used: 'the code was already used by a box; show a new one in the back office',
};

/** The refusal as the person at the box needs it: which of wrong, expired or used, else what the server said. */
function refusal(status: number, body: { error?: { code?: unknown; message?: unknown; details?: { reason?: unknown } } } | null): string {
  const code = typeof body?.error?.code === 'string' ? body.error.code : `HTTP ${status}`;
  const reason = body?.error?.details?.reason;
  if (typeof reason === 'string' && Object.hasOwn(REFUSALS, reason)) return `${REFUSALS[reason as PairingRefusal]} (${code}, ${reason})`;
  const message = typeof body?.error?.message === 'string' ? body.error.message : 'the server refused the code';
  return `${message} (${code})`;
}

/**
 * Exchanges a pairing code for the box's id and token (POST /api/boxes/pair) and stores them with
 * the server URL. A refusal (wrong, expired or used code, too many tries) says what the server said.
 */
export async function pairByCode(args: PairArgs): Promise<{ boxId: string; path: string }> {
  const url = `${httpBase(args.server)}/api/boxes/pair`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: args.code }),
      signal: AbortSignal.timeout(PAIR_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new BoxError(BoxErrorCode.PairingFailed, `cannot reach ${url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
  const body = (await response.json().catch(() => null)) as {
    boxId?: unknown;
    token?: unknown;
    error?: { code?: unknown; message?: unknown; details?: { reason?: unknown } };
  } | null;
  if (response.status !== 201) throw new BoxError(BoxErrorCode.PairingFailed, refusal(response.status, body));
  if (typeof body?.boxId !== 'string' || typeof body.token !== 'string' || !/^[\x21-\x7e]{8,512}$/.test(body.token)) {
    throw new BoxError(BoxErrorCode.PairingFailed, `${url} did not answer with a box token; is it a kassa server?`);
  }
  const path = writePairing(args.dataDir, { server: args.server, token: body.token, ...(args.insecure ? { insecure: true } : {}) });
  return { boxId: body.boxId, path };
}
