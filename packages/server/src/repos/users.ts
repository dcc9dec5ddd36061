import type { Executor } from './executor.js';

export type Role = 'admin' | 'cashier';

export interface User {
  readonly id: number;
  readonly username: string;
  readonly role: Role;
  readonly active: boolean;
}

const columns = ['id', 'username', 'role', 'active'] as const;

export async function listUsers(db: Executor): Promise<User[]> {
  return db.selectFrom('users').select(columns).orderBy('id').execute();
}

export async function getUser(db: Executor, id: number): Promise<User | null> {
  return (await db.selectFrom('users').select(columns).where('id', '=', id).executeTakeFirst()) ?? null;
}

export async function findUserForLogin(db: Executor, username: string): Promise<(User & { passwordHash: string }) | null> {
  const row = await db.selectFrom('users').select([...columns, 'password_hash']).where('username', '=', username).executeTakeFirst();
  return row === undefined ? null : { id: row.id, username: row.username, role: row.role, active: row.active, passwordHash: row.password_hash };
}

export async function createUser(db: Executor, user: { username: string; role: Role; passwordHash: string }): Promise<User | null> {
  const row = await db
    .insertInto('users')
    .values({ username: user.username, role: user.role, password_hash: user.passwordHash })
    .onConflict((c) => c.column('username').doNothing())
    .returning(columns)
    .executeTakeFirst();
  return row ?? null;
}

export async function updateUser(db: Executor, id: number, change: { role?: Role; active?: boolean; passwordHash?: string }): Promise<User | null> {
  const row = await db
    .updateTable('users')
    .set({
      ...(change.role === undefined ? {} : { role: change.role }),
      ...(change.active === undefined ? {} : { active: change.active }),
      ...(change.passwordHash === undefined ? {} : { password_hash: change.passwordHash }),
    })
    .where('id', '=', id)
    .returning(columns)
    .executeTakeFirst();
  return row ?? null;
}

export async function countActiveAdmins(db: Executor): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('role', '=', 'admin').where('active', '=', true).executeTakeFirstOrThrow();
  return Number(row.n);
}
