import { SessionInfo, SetupBody, SetupState } from '@kassa/contract';
import { DEVICE_COOKIE, SESSION_COOKIE } from '../http/auth-plugin.js';
import { errorResponses } from '../http/errors.js';
import { deviceCookieOptions, sessionCookieOptions } from '../http/security.js';
import type { App } from '../http/types.js';
import { routeOptions } from '../http/types.js';
import { DEVICE_TTL_MS, login } from '../services/auth.js';
import { createFirstAdmin } from '../services/setup.js';
import type { RouteDeps } from './deps.js';

/** First run: the web app asks whether an admin is missing, and creates it from the setup link. */
export function registerSetupRoutes(app: App, { ctx, secureCookies, loginLimit, setup }: RouteDeps): void {
  app.get(
    '/api/setup',
    routeOptions('public', 'auth', 'Whether the server still waits for its first admin', { response: { 200: SetupState, ...errorResponses() } }),
    async () => ({
      needed: await setup.needed(),
    }),
  );

  const options = routeOptions('public', 'auth', 'Create the first admin with the one-time token of the setup link the server printed; logs in', {
    body: SetupBody,
    response: { 200: SessionInfo, ...errorResponses(409) },
  });
  app.post(
    '/api/setup',
    { ...options, config: { ...options.config, rateLimit: { max: loginLimit.max, timeWindow: loginLimit.windowMs } } },
    async (request, reply) => {
      await createFirstAdmin(ctx, request.body);
      const session = await login(ctx, { username: request.body.username, password: request.body.password, address: request.ip, deviceToken: undefined });
      reply.setCookie(SESSION_COOKIE, session.sessionToken, sessionCookieOptions(request, secureCookies, ctx.sessionTtlMs));
      reply.setCookie(DEVICE_COOKIE, session.deviceToken, deviceCookieOptions(request, secureCookies, DEVICE_TTL_MS));
      return { user: session.user, csrfToken: session.csrfToken };
    },
  );
}
