import { randomInt } from 'node:crypto';
import type { BoxCredentials, PairingCode, PairingRefusal } from '@kassa/contract';
import { issueBoxToken, sha256 } from '../auth/tokens.js';
import { KassaError } from '../domain/errors.js';
import { createBox } from '../repos/boxes.js';
import { appendEvent } from '../repos/events.js';
import type { ServiceContext } from './context.js';
import { boxView } from './boxes.js';

/** A code is shown for ten minutes and works once. */
export const PAIRING_CODE_TTL_MS = 10 * 60 * 1000;
const MAX_TRIES = 5;

/** `483921` or `483-921` → `483921`; the dash is only for reading it aloud. */
export const normalizeCode = (code: string): string => code.replace('-', '');
const shown = (digits: string): string => `${digits.slice(0, 3)}-${digits.slice(3)}`;

/** The command an installer types on the box. */
export function pairCommand({ serverUrl, code }: { serverUrl: string; code: string }): string {
  return `kassa-iotbox pair --server ${serverUrl} --code ${code}`;
}

/**
 * A new six-digit code for a box of this name, stored as its hash with its expiry. Old codes are
 * swept first; a code that equals one still alive is drawn again.
 */
export async function createPairingCode(ctx: ServiceContext, name: string): Promise<PairingCode> {
  const now = ctx.now();
  await ctx.db.deleteFrom('pairing_codes').where('expires_at', '<=', now).execute();
  const expiresAt = new Date(now.getTime() + PAIRING_CODE_TTL_MS);
  for (let attempt = 0; attempt < MAX_TRIES; attempt += 1) {
    const digits = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const inserted = await ctx.db
      .insertInto('pairing_codes')
      .values({ code_hash: sha256(digits), box_name: name, expires_at: expiresAt })
      .onConflict((c) => c.column('code_hash').doNothing())
      .returning('code_hash')
      .executeTakeFirst();
    if (inserted !== undefined)
      return { code: shown(digits), expiresAt: expiresAt.toISOString(), command: pairCommand({ serverUrl: ctx.publicUrl, code: shown(digits) }) };
  }
  throw new KassaError('KASSA_CONFLICT', 'Too many pairing codes are open; wait a few minutes.');
}

/**
 * Exchanges a code for a new box and its token, once: the code is marked used in the same
 * statement that finds it, so two boxes sending it at once cannot both pair.
 */
export async function pairWithCode(ctx: ServiceContext, code: string): Promise<BoxCredentials> {
  const hash = sha256(normalizeCode(code));
  const now = ctx.now();
  return ctx.db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('pairing_codes')
      .set({ used_at: now })
      .where('code_hash', '=', hash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['box_name'])
      .executeTakeFirst();
    if (claimed === undefined) {
      const known = await trx.selectFrom('pairing_codes').select(['used_at', 'expires_at']).where('code_hash', '=', hash).executeTakeFirst();
      const reason: PairingRefusal = known === undefined ? 'unknown' : known.used_at !== null ? 'used' : 'expired';
      throw new KassaError('KASSA_PAIRING_CODE', undefined, { reason });
    }
    const issued = issueBoxToken();
    const box = await createBox(trx, { id: issued.boxId, name: claimed.box_name, tokenHash: issued.tokenHash });
    await trx.updateTable('pairing_codes').set({ box_id: box.id }).where('code_hash', '=', hash).execute();
    await appendEvent(trx, { topic: 'box', audience: 'admin', data: { box: boxView(box) } });
    return { boxId: box.id, token: issued.token };
  });
}
