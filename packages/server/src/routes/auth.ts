import { Health, LoginBody, SessionInfo } from '@kassa/contract';
import { Type } from 'typebox';
import { databaseAnswers } from '../db/health.js';
import { KassaError } from '../domain/errors.js';
import { DEVICE_COOKIE, SESSION_COOKIE, userOf } from '../http/auth-plugin.js';
import { errorResponses } from '../http/errors.js';
import { deviceCookieOptions, LOGIN_PATH, sessionCookieOptions } from '../http/security.js';
import type { App } from '../http/types.js';
import { routeOptions } from '../http/types.js';
import { DEVICE_TTL_MS, login, logout } from '../services/auth.js';
import type { RouteDeps } from './deps.js';

export function registerAuthRoutes(app: App, { ctx, secureCookies, loginLimit, setup }: RouteDeps): void {
  const loginOptions = routeOptions('public', 'auth', 'Log in: sets the session cookie and returns the CSRF token', {
    body: LoginBody,
    response: { 200: SessionInfo, ...errorResponses(409) },
  });
  app.post(
    LOGIN_PATH,
    { ...loginOptions, config: { ...loginOptions.config, rateLimit: { max: loginLimit.max, timeWindow: loginLimit.windowMs } } },
    async (request, reply) => {
      if (await setup.needed()) throw new KassaError('KASSA_SETUP_REQUIRED');
      const session = await login(ctx, { ...request.body, address: request.ip, deviceToken: request.cookies[DEVICE_COOKIE] });
      reply.setCookie(SESSION_COOKIE, session.sessionToken, sessionCookieOptions(request, secureCookies, ctx.sessionTtlMs));
      reply.setCookie(DEVICE_COOKIE, session.deviceToken, deviceCookieOptions(request, secureCookies, DEVICE_TTL_MS));
      return { user: session.user, csrfToken: session.csrfToken };
    },
  );

  app.post(
    '/api/auth/logout',
    routeOptions('user', 'auth', 'Log out: ends the session everywhere', { response: { 204: Type.Null(), ...errorResponses() } }),
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token !== undefined) await logout(ctx, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    routeOptions('user', 'auth', 'The logged-in user and the CSRF token of the session', { response: { 200: SessionInfo, ...errorResponses() } }),
    async (request) => {
      return { user: userOf(request), csrfToken: request.csrfToken ?? '' };
    },
  );

  app.get('/api/healthz', routeOptions('public', 'meta', 'Liveness and database check', { response: { 200: Health, ...errorResponses(503) } }), async () => {
    if (!(await databaseAnswers(ctx.db))) throw new KassaError('KASSA_DATABASE_UNAVAILABLE');
    return { status: 'ok' as const, database: ctx.database.kind };
  });
}
