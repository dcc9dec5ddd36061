import type { Executor } from './executor.js';

export async function addSetupToken(db: Executor, tokenHash: string): Promise<void> {
  await db.insertInto('setup_tokens').values({ token_hash: tokenHash }).execute();
}

/** Once an admin exists no setup link may work again. */
export async function clearSetupTokens(db: Executor): Promise<void> {
  await db.deleteFrom('setup_tokens').execute();
}

/** Whether any admin exists, active or not: a deactivated admin can be woken by another one, never by a setup link. */
export async function adminExists(db: Executor): Promise<boolean> {
  return (await db.selectFrom('users').select('id').where('role', '=', 'admin').limit(1).executeTakeFirst()) !== undefined;
}
