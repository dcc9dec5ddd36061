import { boxIdOfToken, checkBoxToken, sha256 } from '../auth/tokens.js';
import { getActiveBoxTokenHash } from '../repos/boxes.js';
import type { Executor } from '../repos/executor.js';

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;
// Compared against when the box is unknown or revoked, so a refusal costs the same time either way.
const NO_BOX_HASH = sha256('no box has this token');

/**
 * The paired box a WebSocket upgrade speaks for, or null. The token names its box; the stored hash
 * is compared in constant time, and a revoked box has no hash to match.
 */
export async function authenticateBox(db: Executor, authorization: string | undefined): Promise<string | null> {
  const token = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
  if (token === undefined) return null;
  const boxId = boxIdOfToken(token);
  const stored = boxId === null ? null : await getActiveBoxTokenHash(db, boxId);
  const matches = checkBoxToken(token, stored ?? NO_BOX_HASH);
  return matches && stored !== null ? boxId : null;
}
