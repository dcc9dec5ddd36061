import { sql } from 'kysely';
import type { Executor } from './executor.js';

import type { Role } from '../domain/roles.js';

export type { Role };

export interface User {
  readonly id: number;
  readonly username: string;
  readonly role: Role;
  readonly active: boolean;
  /** Whether an approval PIN is set (it counts only while the user is a manager or admin). */
  readonly hasPin: boolean;
  /** The POS a cashier may open, in id order; empty: any POS. */
  readonly posConfigIds: number[];
}

/** A user with the hashes an approval or a login is checked against. */
export interface UserSecrets extends User {
  readonly passwordHash: string;
  readonly pinHash: string | null;
}

const hasPin = sql<boolean>`pin_hash is not null`.as('hasPin');
const posConfigIds = sql<number[]>`array(select t.pos_config_id from user_pos_configs t where t.user_id = users.id order by t.pos_config_id)`.as(
  'posConfigIds',
);
const columns = ['id', 'username', 'role', 'active'] as const;

export async function listUsers(db: Executor): Promise<User[]> {
  return db
    .selectFrom('users')
    .select([...columns, hasPin, posConfigIds])
    .orderBy('id')
    .execute();
}

export async function getUser(db: Executor, id: number): Promise<User | null> {
  return (
    (await db
      .selectFrom('users')
      .select([...columns, hasPin, posConfigIds])
      .where('id', '=', id)
      .executeTakeFirst()) ?? null
  );
}

export async function findUserForLogin(db: Executor, username: string): Promise<UserSecrets | null> {
  const row = await db
    .selectFrom('users')
    .select([...columns, 'password_hash', 'pin_hash', posConfigIds])
    .where('username', '=', username)
    .executeTakeFirst();
  return row === undefined
    ? null
    : {
        id: row.id,
        username: row.username,
        role: row.role,
        active: row.active,
        hasPin: row.pin_hash !== null,
        posConfigIds: row.posConfigIds,
        passwordHash: row.password_hash,
        pinHash: row.pin_hash,
      };
}

/** A new user, or null when a user of that username exists already, whatever its case. */
export async function createUser(db: Executor, user: { username: string; role: Role; passwordHash: string; pinHash?: string | null }): Promise<User | null> {
  // One statement: the insert happens only when no username equal but for case exists (the unique
  // index on the exact username still settles two identical inserts at once).
  const row = await db
    .insertInto('users')
    .columns(['username', 'role', 'password_hash', 'pin_hash'])
    .expression(
      db
        .selectNoFrom([
          sql.val(user.username).as('username'),
          sql.val(user.role).as('role'),
          sql.val(user.passwordHash).as('password_hash'),
          sql.val(user.pinHash ?? null).as('pin_hash'),
        ])
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('users')
                .select('id')
                .where(sql`lower(username)`, '=', sql`lower(${user.username})`),
            ),
          ),
        ),
    )
    .onConflict((c) => c.column('username').doNothing())
    .returning([...columns, hasPin, posConfigIds])
    .executeTakeFirst();
  return row ?? null;
}

/** `pinHash: null` removes the PIN; leaving it out keeps it. */
export async function updateUser(
  db: Executor,
  id: number,
  change: { role?: Role; active?: boolean; passwordHash?: string; pinHash?: string | null },
): Promise<User | null> {
  const row = await db
    .updateTable('users')
    .set({
      ...(change.role === undefined ? {} : { role: change.role }),
      ...(change.active === undefined ? {} : { active: change.active }),
      ...(change.passwordHash === undefined ? {} : { password_hash: change.passwordHash }),
      ...(change.pinHash === undefined ? {} : { pin_hash: change.pinHash }),
    })
    .where('id', '=', id)
    .returning([...columns, hasPin, posConfigIds])
    .executeTakeFirst();
  return row ?? null;
}

export async function countActiveAdmins(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('active', '=', true)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Sets the POS a cashier may open (empty: any POS). */
export async function setUserTills(db: Executor, userId: number, posConfigIds: readonly number[]): Promise<void> {
  await db.deleteFrom('user_pos_configs').where('user_id', '=', userId).execute();
  if (posConfigIds.length > 0)
    await db
      .insertInto('user_pos_configs')
      .values(posConfigIds.map((id) => ({ user_id: userId, pos_config_id: id })))
      .execute();
}
