import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Tokens are 256 random bits, so a fast hash is enough: no guessing can invert it. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(sha256(a));
  const right = Buffer.from(sha256(b));
  return timingSafeEqual(left, right);
}

/** A box token names its box so the server can find the stored hash: `<boxId>.<secret>`. */
export function issueBoxToken(): { boxId: string; token: string; tokenHash: string } {
  const boxId = randomUUID();
  const token = `${boxId}.${randomToken()}`;
  return { boxId, token, tokenHash: sha256(token) };
}

export function boxIdOfToken(token: string): string | null {
  const match = /^([0-9a-f-]{36})\.[A-Za-z0-9_-]{20,}$/.exec(token);
  return match?.[1] ?? null;
}

export function checkBoxToken(token: string, storedHash: string): boolean {
  return constantTimeEqual(sha256(token), storedHash);
}
