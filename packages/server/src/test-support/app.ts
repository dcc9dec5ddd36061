import { randomUUID } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../app.js';
import type { AppOptions } from '../app.js';
import { hashPassword } from '../auth/passwords.js';
import type { App } from '../http/types.js';
import { createUser } from '../repos/users.js';
import type { Backend, TestDatabase } from './databases.js';
import { openTestDatabase } from './databases.js';

/** Building an app on PGlite takes seconds, many more on a loaded machine: setup hooks get this long. */
export const SETUP_TIMEOUT_MS = 120_000;

/** Cheap scrypt parameters: tests check behaviour, not the cost. */
export const TEST_PASSWORD_COST = { N: 2 ** 10, r: 8, p: 1 };
export const ADMIN = { username: 'ada', password: 'admin-password' };
export const CASHIER = { username: 'cas', password: 'cashier-password' };

export interface TestApp {
  readonly app: App;
  readonly database: TestDatabase;
  close(): Promise<void>;
}

/** A migrated database with one admin and one cashier (none with `users: false`), and the app on it (not listening). */
export async function buildTestApp(
  backend: Backend,
  { users = true, ...options }: Partial<AppOptions> & { schema?: string; users?: boolean } = {},
): Promise<TestApp> {
  const database = await openTestDatabase(backend, options.schema);
  const cost = TEST_PASSWORD_COST;
  if (users) {
    await createUser(database.db, { username: ADMIN.username, role: 'admin', passwordHash: await hashPassword(ADMIN.password, cost) });
    await createUser(database.db, { username: CASHIER.username, role: 'cashier', passwordHash: await hashPassword(CASHIER.password, cost) });
  }
  const app = await buildApp({
    database,
    publicUrl: 'http://kassa.test',
    passwordCost: cost,
    uplink: false,
    loginLimit: { max: 1000, windowMs: 60_000 },
    pairingLimit: { max: 1000, windowMs: 60_000 },
    ...options,
  });
  return {
    app,
    database,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

/** A logged-in caller: sends its session cookie and CSRF token with every request. */
export interface Agent {
  readonly cookie: string;
  readonly csrfToken: string;
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
}

export async function loginAs(app: App, credentials: { username: string; password: string }): Promise<Agent> {
  const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: credentials });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  const cookie = response.cookies.find((c) => c.name === 'kassa_session');
  if (cookie === undefined) throw new Error('login set no session cookie');
  const { csrfToken } = response.json<{ csrfToken: string }>();
  const header = `kassa_session=${cookie.value}`;
  return {
    cookie: header,
    csrfToken,
    inject: (options) => app.inject({ ...options, headers: { cookie: header, 'x-csrf-token': csrfToken, ...options.headers } }),
  };
}

export function uuid(): string {
  return randomUUID();
}
