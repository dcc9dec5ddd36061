import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { KassaError } from '../domain/errors.js';
import type { User } from '../repos/users.js';
import { checkCsrf, resolveSession } from '../services/auth.js';
import type { ServiceContext } from '../services/context.js';
import { isApiDocsRoute } from './api-docs-path.js';
import type { SetupGate } from '../services/setup.js';

/** Who may call a route: anyone, any logged-in user (cashier, manager or admin), or admins only (configuration). Overrides and the till rule are checked by the services (domain/roles.ts). */
export type Access = 'public' | 'user' | 'admin';

export const SESSION_COOKIE = 'kassa_session';
export const CSRF_HEADER = 'x-csrf-token';
/** Marks a browser that has logged in as a user before (see domain/login-lockout.ts); sent only to the login. */
export const DEVICE_COOKIE = 'kassa_device';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    user: User | null;
    /** The CSRF token of the caller's session, for GET /api/auth/me. */
    csrfToken: string | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every /api route must say who may call it (a route without `config.access` stops the server at
 * start-up, so none is open by mistake). Sessions are checked on each request against the database,
 * so any server process can serve any user and a logout takes effect everywhere at once. Until the
 * first admin exists, a caller without a session is told so (KASSA_SETUP_REQUIRED).
 */
export function installAuth(app: FastifyInstance, ctx: ServiceContext, setup: SetupGate): void {
  app.decorateRequest('user', null);
  app.decorateRequest('csrfToken', null);
  app.addHook('onRoute', (route) => {
    // The API reference's pages and assets are registered by its plugin, which sets no config: public.
    if (isApiDocsRoute(route.url) && route.config?.access === undefined) route.config = { ...route.config, access: 'public' };
    if (route.url.startsWith('/api/') && route.config?.access === undefined) {
      throw new Error(`Route ${String(route.method)} ${route.url} declares no access.`);
    }
  });
  app.addHook('onRequest', async (request: FastifyRequest, _reply: FastifyReply) => {
    const access = request.routeOptions.config.access ?? 'public';
    if (access === 'public') return;
    const token = request.cookies[SESSION_COOKIE];
    const session = token === undefined ? null : await resolveSession(ctx, token);
    if (session === null) throw new KassaError((await setup.needed()) ? 'KASSA_SETUP_REQUIRED' : 'KASSA_UNAUTHENTICATED');
    if (access === 'admin' && session.user.role !== 'admin') throw new KassaError('KASSA_FORBIDDEN', undefined, { required: 'admin' });
    if (!SAFE_METHODS.has(request.method)) {
      const header = request.headers[CSRF_HEADER];
      checkCsrf({ expectedHash: session.csrfTokenHash, received: typeof header === 'string' ? header : undefined });
    }
    request.user = session.user;
    request.csrfToken = session.csrfToken;
  });
}

/** The logged-in user of a route that is not public. */
export function userOf(request: FastifyRequest): User {
  if (request.user === null) throw new KassaError('KASSA_UNAUTHENTICATED');
  return request.user;
}
