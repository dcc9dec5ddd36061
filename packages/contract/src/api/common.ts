import type { Static, TLiteral, TSchema, TUnion } from 'typebox';
import { Type } from 'typebox';

/** Every error of the HTTP API has this one shape; `code` is stable (KASSA_…), `message` is for people. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ pattern: '^[A-Z][A-Z0-9_]*$' }),
      message: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { $id: 'ErrorBody', description: 'The one error shape of the kassa API.' },
);
export type ErrorBody = Static<typeof ErrorBody>;

export const Cents = Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'Integer minor units (EUR cents).' });
export const PositiveCents = Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'Integer minor units (EUR cents).' });
export const Uuid = Type.String({ format: 'uuid' });
export const DateTime = Type.String({ format: 'date-time' });
export const Name = Type.String({ minLength: 1, maxLength: 120 });
/** A database id: a positive 32-bit integer. */
export const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
export const IdParams = Type.Object({ id: Id });
export type IdParams = Static<typeof IdParams>;
export const UuidParams = Type.Object({ uuid: Uuid });
export type UuidParams = Static<typeof UuidParams>;
export const UuidIdParams = Type.Object({ id: Uuid });
export type UuidIdParams = Static<typeof UuidIdParams>;

/**
 * admin: configuration, and everything a manager may. manager: overrides at the till (settle a
 * payment by hand, refunds, cancel a paid order, accept a cash difference) and selling on any POS.
 * cashier: selling, on the tills of its own POS.
 */
export const ROLE_NAMES = ['admin', 'manager', 'cashier'] as const;
export const Role = Type.Union([Type.Literal('admin'), Type.Literal('manager'), Type.Literal('cashier')]);
export type Role = (typeof ROLE_NAMES)[number];

/** The schema of one of `values`: the list stays the one definition, the schema and its type follow it. */
export function LiteralUnion<const Values extends readonly string[]>(values: Values): TUnion<LiteralsOf<Values>> {
  return Type.Union(values.map((value) => Type.Literal(value))) as TUnion<LiteralsOf<Values>>;
}
type LiteralsOf<Values extends readonly string[]> = { -readonly [K in keyof Values]: TLiteral<Values[K]> };

/** A list response wrapper, so lists can grow fields (paging) without breaking clients. */
export function ListOf<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item) });
}
