import { sql } from 'kysely';
import type { Executor } from './executor.js';
import type { User } from './users.js';

export interface AuthSession {
  readonly user: User;
  /** SHA-256 (hex) of the session's CSRF token; the token itself is never stored. */
  readonly csrfTokenHash: string;
}

export async function createAuthSession(db: Executor, session: { idHash: string; userId: number; csrfTokenHash: string; expiresAt: Date }): Promise<void> {
  await db
    .insertInto('auth_sessions')
    .values({ id: session.idHash, user_id: session.userId, csrf_token_hash: session.csrfTokenHash, expires_at: session.expiresAt })
    .execute();
}

/** The live session with this id hash and its active user, or null. */
export async function findAuthSession(db: Executor, idHash: string, now: Date): Promise<AuthSession | null> {
  const row = await db
    .selectFrom('auth_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select([
      'u.id',
      'u.username',
      'u.role',
      'u.active',
      's.csrf_token_hash',
      sql<boolean>`u.pin_hash is not null`.as('has_pin'),
      sql<number[]>`array(select t.pos_config_id from user_pos_configs t where t.user_id = u.id order by t.pos_config_id)`.as('pos_config_ids'),
    ])
    .where('s.id', '=', idHash)
    .where('s.expires_at', '>', now)
    .where('u.active', '=', true)
    .executeTakeFirst();
  if (row === undefined) return null;
  return {
    user: { id: row.id, username: row.username, role: row.role, active: row.active, hasPin: row.has_pin, posConfigIds: row.pos_config_ids },
    csrfTokenHash: row.csrf_token_hash,
  };
}

export async function deleteAuthSession(db: Executor, idHash: string): Promise<void> {
  await db.deleteFrom('auth_sessions').where('id', '=', idHash).execute();
}

export async function deleteUserSessions(db: Executor, userId: number): Promise<void> {
  await db.deleteFrom('auth_sessions').where('user_id', '=', userId).execute();
}

export async function deleteExpiredSessions(db: Executor, now: Date): Promise<void> {
  await db.deleteFrom('auth_sessions').where('expires_at', '<=', now).execute();
}
