import { createHash } from 'node:crypto';
import type pg from 'pg';

/** How many statements one connection keeps prepared; texts beyond it run unprepared. */
export const MAX_PREPARED_PER_CONNECTION = 200;

/** feature_not_supported: "cached plan must not change result type". */
const STALE_PLAN = '0A000';

type Query = (config: unknown, values?: unknown, callback?: unknown) => unknown;

/**
 * Makes a pooled connection prepare each statement with parameters the first time it sends it,
 * and reuse it afterwards: PostgreSQL then parses and plans the server's statements once per
 * connection instead of at every call (under load about a quarter of its CPU went to that).
 * Statements without parameters (BEGIN, COMMIT) and anything that is not plain text go as they
 * are. The name is derived from the text, so the same text always finds its statement.
 *
 * A connection pooler that hands one client's statements to other server connections (PgBouncer
 * in transaction mode without prepared-statement support) loses them: turn this off there.
 */
export function prepareRepeatedStatements(client: pg.PoolClient, limit = MAX_PREPARED_PER_CONNECTION): void {
  const send = client.query.bind(client) as Query;
  const prepared = new Set<string>();
  const unusable = new Set<string>();
  const query: Query = (config, values, callback) => {
    if (typeof config === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined) {
      const name = statementName(config);
      if (!unusable.has(name) && (prepared.has(name) || prepared.size < limit)) {
        prepared.add(name);
        return (send({ name, text: config, values }) as Promise<unknown>).catch((error: unknown) => {
          // A table changed under a prepared statement (another process migrated the schema): its
          // plan is stale for good on this connection, so the text runs unprepared from now on.
          if ((error as { code?: unknown }).code === STALE_PLAN) unusable.add(name);
          throw error;
        });
      }
    }
    return send(config, values, callback);
  };
  (client as unknown as { query: Query }).query = query;
}

/** Names by text, shared by every connection: hashing each statement's text cost more than its lookup. */
const names = new Map<string, string>();
const MAX_NAMES = 1000;

function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `kassa_${createHash('sha1').update(text).digest('base64url').slice(0, 27)}`;
    // The server's statements are a few hundred texts; texts beyond them are hashed each time.
    if (names.size < MAX_NAMES) names.set(text, name);
  }
  return name;
}
