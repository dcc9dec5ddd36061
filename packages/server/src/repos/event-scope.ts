import { sql } from 'kysely';
import type { StreamScope } from './events.js';
import type { Executor } from './executor.js';

/**
 * The tills a stream follows: the given POS, the POS configurations of a shop, or those on which `userId` has a session open now,
 * with the devices their payment methods use. One statement.
 */
export async function readTillScope(db: Executor, of: { posId: number } | { shop: string } | { userId: number }): Promise<StreamScope> {
  const pos =
    'posId' in of
      ? sql`select id from pos_configs where id = ${of.posId}::integer`
      : 'shop' in of
        ? sql`select id from pos_configs where shop = ${of.shop}::text`
        : sql`select distinct pos_config_id as id from pos_sessions where opened_by = ${of.userId}::integer and state = 'open'`;
  const { rows } = await sql<{ pos_ids: number[] | null; device_ids: number[] | null }>`
    with pos as (${pos})
    select (select array_agg(id order by id) from pos) as pos_ids,
      (select array_agg(distinct m.device_id) from pos_config_methods c join payment_methods m on m.id = c.payment_method_id
        where c.pos_config_id in (select id from pos) and m.device_id is not null) as device_ids`.execute(db);
  const row = rows[0];
  return { kind: 'tills', posIds: row?.pos_ids ?? [], deviceIds: row?.device_ids ?? [] };
}
