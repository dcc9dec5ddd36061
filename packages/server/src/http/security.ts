import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import { KassaError } from '../domain/errors.js';
import type { Executor } from '../repos/executor.js';
import { databaseRateLimitStore } from './rate-limit-store.js';
import type { App } from './types.js';

export const LOGIN_PATH = '/api/auth/login';

export interface LoginLimit {
  /** Attempts allowed per client address within the window, whatever their outcome. */
  readonly max: number;
  readonly windowMs: number;
}

export const DEFAULT_LOGIN_LIMIT: LoginLimit = { max: 30, windowMs: 60_000 };
/** A box pairs once; a few mistyped codes are fine, guessing among a million is not. */
export const DEFAULT_PAIRING_LIMIT: LoginLimit = { max: 10, windowMs: 10 * 60_000 };

/** `always`: the public URL is https; `auto`: Secure when the request came over TLS (or a trusted proxy says so). */
export type SecureCookies = 'always' | 'auto' | 'never';

/**
 * The Content-Security-Policy of every answer. The web build is plain files (Vite emits no inline
 * script or style), the API and its event stream are same-origin, the only image is the `data:`
 * favicon; nothing may frame a page. `upgrade-insecure-requests` is left out: a shop may serve
 * kassa over plain http on its own network, where it would break every request.
 */
export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'base-uri': ["'none'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'manifest-src': ["'self'"],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
} as const;

/**
 * Security headers (CSP, X-Frame-Options DENY, nosniff, Referrer-Policy no-referrer), cookies, and the
 * login flood guard. Strict-Transport-Security only when the public URL is https: on a plain-http
 * shop network it would mean nothing, behind a TLS proxy it pins the browser to https.
 */
export async function installSecurity(app: App, db: Executor, secure: SecureCookies): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: secure === 'always' ? { maxAge: 31_536_000 } : false,
  });
  await app.register(cookie);
  // Only routes that ask for it are limited (the login, the setup, a box's pairing code): attempts
  // per client address whatever their outcome, before any password or code is checked, counted in the
  // database so that it holds across server processes. Failed logins are judged beside it by
  // services/auth.ts (domain/login-lockout.ts).
  await app.register(rateLimit, {
    global: false,
    store: databaseRateLimitStore(db),
    errorResponseBuilder: (_request, context) =>
      new KassaError('KASSA_RATE_LIMITED', `Too many attempts; retry in ${context.after}.`, { retryAfterMs: context.ttl }),
  });
}

/** The device cookie goes only to the login route and lives as long as the device record. */
export function deviceCookieOptions(request: FastifyRequest, secure: SecureCookies, maxAgeMs: number): CookieSerializeOptions {
  return { ...sessionCookieOptions(request, secure, maxAgeMs), path: LOGIN_PATH, sameSite: 'strict' };
}

export function sessionCookieOptions(request: FastifyRequest, secure: SecureCookies, maxAgeMs: number): CookieSerializeOptions {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: secure === 'always' || (secure === 'auto' && request.protocol === 'https'),
    maxAge: Math.floor(maxAgeMs / 1000),
  };
}
