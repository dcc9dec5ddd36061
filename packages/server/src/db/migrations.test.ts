import { PGlite } from '@electric-sql/pglite';
import { ACTIVE_STATES } from '@kassa/contract';
import { Kysely, Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from './database.js';
import { MIGRATIONS, migrationProvider } from './migrations.js';
import { PGliteDialect } from './pglite-dialect.js';
import type { Schema } from './schema.js';
import { listenToEvents } from '../test-support/event-log.js';

vi.setConfig({ hookTimeout: 120_000, testTimeout: 60_000 });

describe('migration 0004_history_event_ids', () => {
  let pglite: PGlite;
  let db: Kysely<Schema>;

  beforeAll(async () => {
    pglite = await PGlite.create();
    db = new Kysely<Schema>({ dialect: new PGliteDialect(pglite) });
    const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo('0003_login_rate_limits');
    expect(error).toBeUndefined();
  });
  afterAll(async () => {
    await db.destroy();
    await pglite.close();
  });

  it('gives the entries of box events applied before it their event id, so a replay of them stays a duplicate', async () => {
    // History rows alone, without the payments they belong to: foreign keys are not what is tested.
    await sql`set session_replication_role = replica`.execute(db);
    await sql`
      insert into payment_history (payment_uuid, source, event, from_state, to_state, data) values
        ('p1', 'user', 'requested', 'pending', 'pending', '{"orderId": "o1"}'),
        ('p1', 'box', 'accepted', 'pending', 'waiting', '{"eventId": "e1", "boxAt": "2026-11-25T10:00:00.000Z"}'),
        ('p1', 'box', 'message', 'waiting', 'waiting', '{"eventId": "e2"}'),
        ('p1', 'server', 'lost', 'waiting', 'unknown', '{}')`.execute(db);
    const { error } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
    expect(error).toBeUndefined();
    const rows = await db.selectFrom('payment_history').select(['event', 'event_id']).orderBy('id').execute();
    expect(rows.map((r) => [r.event, r.event_id])).toEqual([
      ['requested', null],
      ['accepted', 'e1'],
      ['message', 'e2'],
      ['lost', null],
    ]);
    await expect(
      sql`insert into payment_history (payment_uuid, source, event, from_state, to_state, event_id) values ('p1', 'box', 'message', 'waiting', 'waiting', 'e2')`.execute(
        db,
      ),
    ).rejects.toMatchObject({
      code: '23505',
    });
    await sql`set session_replication_role = origin`.execute(db);
  });
});

describe('migration 0010_trust_boundaries_at_rest', () => {
  let pglite: PGlite;
  let db: Kysely<Schema>;

  beforeAll(async () => {
    pglite = await PGlite.create();
    db = new Kysely<Schema>({ dialect: new PGliteDialect(pglite) });
    const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo('0006_order_payments_version');
    expect(error).toBeUndefined();
  });
  afterAll(async () => {
    await db.destroy();
    await pglite.close();
  });

  it('ends the sessions that kept their CSRF token in clear and keeps only its hash from then on', async () => {
    await sql`insert into users (username, password_hash, role) values ('ann', 'h', 'cashier')`.execute(db);
    await sql`insert into auth_sessions (id, user_id, csrf_token, expires_at) values ('s1', 1, 'token-in-clear', now() + interval '1 hour')`.execute(db);
    const { error } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
    expect(error).toBeUndefined();
    expect(await db.selectFrom('auth_sessions').selectAll().execute()).toEqual([]);
    const columns = await sql<{ column_name: string }>`select column_name from information_schema.columns where table_name = 'auth_sessions'`.execute(db);
    expect(columns.rows.map((c) => c.column_name)).toContain('csrf_token_hash');
    expect(columns.rows.map((c) => c.column_name)).not.toContain('csrf_token');
  });
});

describe('the migrated schema', () => {
  let pglite: PGlite;
  let db: Kysely<Schema>;

  beforeAll(async () => {
    pglite = await PGlite.create();
    db = new Kysely<Schema>({ dialect: new PGliteDialect(pglite) });
    const { error } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
    expect(error).toBeUndefined();
  });
  afterAll(async () => {
    await db.destroy();
    await pglite.close();
  });

  it('keeps one running payment per terminal over exactly the contract’s active states', async () => {
    const { rows } = await sql<{ indexdef: string }>`select indexdef from pg_indexes where indexname = 'payments_one_active_per_device'`.execute(db);
    const definition = rows[0]?.indexdef ?? '';
    const states = [...definition.matchAll(/'([A-Za-z]+)'::text/g)].map((match) => match[1]);
    expect(states.sort()).toEqual([...ACTIVE_STATES].sort());
  });
});

describe('migration 0013_commit_ordered_events', () => {
  it('runs on a database that already ran 0014, and with 0018 after it the events are announced with their scope', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kassa-migrations-'));
    try {
      const pglite = await PGlite.create(dir);
      const db = new Kysely<Schema>({ dialect: new PGliteDialect(pglite) });
      const late = ['0013_commit_ordered_events', '0018_announced_events'];
      const without = { getMigrations: async () => Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => !late.includes(name))) };
      expect((await new Migrator({ db, provider: without }).migrateToLatest()).error).toBeUndefined();
      await db.destroy();
      await pglite.close();
      const database = await openDatabase({ kind: 'pglite', dataDir: dir });
      try {
        const events = await listenToEvents(database);
        await sql`insert into events (topic, audience, data) values ('device', 'cashier', '{"device": {"id": 7}}')`.execute(database.db);
        expect(await events.after(0)).toMatchObject([{ topic: 'device', deviceId: 7, posId: null }]);
        expect(await database.db.selectFrom('events').select('id').execute()).toEqual([]);
      } finally {
        await database.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
