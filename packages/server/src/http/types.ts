import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, FastifySchema, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { Access } from './auth-plugin.js';

/** The Fastify instance of kassa: request and reply types come from the TypeBox route schemas. */
export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

/** Extra OpenAPI fields kassa puts on every operation. */
interface Documented {
  readonly summary: string;
  readonly tags: string[];
  readonly security: readonly { readonly [label: string]: readonly string[] }[];
  readonly 'x-kassa-access': Access;
}

export const SESSION_SECURITY = 'session';

/**
 * The options of one route: who may call it (config.access, enforced by the auth hook) and its
 * schema, documented in OpenAPI with the same access level so the document cannot drift from it.
 */
export function routeOptions<S extends FastifySchema>(
  access: Access,
  tag: string,
  summary: string,
  schema: S,
): { config: { access: Access }; schema: S & Documented } {
  const security: Documented['security'] = access === 'public' ? [] : [{ [SESSION_SECURITY]: [] }];
  return { config: { access }, schema: { ...schema, summary, tags: [tag], security, 'x-kassa-access': access } };
}
