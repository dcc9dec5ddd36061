import type { Executor } from './executor.js';

export interface Box {
  readonly id: string;
  readonly name: string;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
  readonly online: boolean;
  readonly lastSeenAt: Date | null;
}

const columns = ['id', 'name', 'created_at', 'revoked_at', 'online', 'last_seen_at'] as const;
type BoxRow = { id: string; name: string; created_at: Date; revoked_at: Date | null; online: boolean; last_seen_at: Date | null };
const toBox = (row: BoxRow): Box => ({
  id: row.id,
  name: row.name,
  createdAt: row.created_at,
  revokedAt: row.revoked_at,
  online: row.online,
  lastSeenAt: row.last_seen_at,
});

export async function createBox(db: Executor, box: { id: string; name: string; tokenHash: string }): Promise<Box> {
  return toBox(await db.insertInto('boxes').values({ id: box.id, name: box.name, token_hash: box.tokenHash }).returning(columns).executeTakeFirstOrThrow());
}

export async function listBoxes(db: Executor): Promise<Box[]> {
  return (await db.selectFrom('boxes').select(columns).orderBy('created_at').execute()).map(toBox);
}

export async function getBox(db: Executor, id: string): Promise<Box | null> {
  const row = await db.selectFrom('boxes').select(columns).where('id', '=', id).executeTakeFirst();
  return row === undefined ? null : toBox(row);
}

/** The token hash of a box that is not revoked, for the uplink's constant-time comparison. */
export async function getActiveBoxTokenHash(db: Executor, id: string): Promise<string | null> {
  const row = await db.selectFrom('boxes').select('token_hash').where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return row?.token_hash ?? null;
}

export async function revokeBox(db: Executor, id: string, at: Date): Promise<Box | null> {
  const row = await db.updateTable('boxes').set({ revoked_at: at, online: false, server_id: null }).where('id', '=', id).returning(columns).executeTakeFirst();
  return row === undefined ? null : toBox(row);
}

export async function setBoxLink(db: Executor, id: string, link: { online: boolean; serverId: string | null; at: Date }): Promise<void> {
  await db.updateTable('boxes').set({ online: link.online, server_id: link.serverId, last_seen_at: link.at }).where('id', '=', id).execute();
}
