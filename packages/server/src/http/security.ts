import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import { KassaError } from '../domain/errors.js';
import type { Executor } from '../repos/executor.js';
import { databaseRateLimitStore } from './rate-limit-store.js';
import type { App } from './types.js';

export interface LoginLimit {
  /** Attempts allowed per client address within the window. */
  readonly max: number;
  readonly windowMs: number;
}

export const DEFAULT_LOGIN_LIMIT: LoginLimit = { max: 10, windowMs: 60_000 };
/** A box pairs once; a few mistyped codes are fine, guessing among a million is not. */
export const DEFAULT_PAIRING_LIMIT: LoginLimit = { max: 10, windowMs: 10 * 60_000 };

/** `always`: the public URL is https; `auto`: Secure when the request came over TLS (or a trusted proxy says so). */
export type SecureCookies = 'always' | 'auto' | 'never';

export async function installSecurity(app: App, db: Executor): Promise<void> {
  await app.register(cookie);
  // Only routes that ask for it are limited (the login, the setup, a box's pairing code); the limit is per client address, counted
  // in the database so that it holds across server processes.
  await app.register(rateLimit, {
    global: false,
    store: databaseRateLimitStore(db),
    errorResponseBuilder: (_request, context) => new KassaError('KASSA_RATE_LIMITED', `Too many attempts; retry in ${context.after}.`, { retryAfterMs: context.ttl }),
  });
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
