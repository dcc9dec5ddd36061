import type { Static } from 'typebox';
import { Type } from 'typebox';
import { Role } from './common.js';

export const LoginBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const User = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  role: Role,
  active: Type.Boolean(),
  /** In the users list: until when failed logins lock this username (an admin can unlock it), or null. */
  lockedUntil: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});
export type User = Static<typeof User>;

/** The session cookie is HttpOnly; state-changing requests repeat `csrfToken` in the `x-csrf-token` header. */
export const SessionInfo = Type.Object({ user: User, csrfToken: Type.String() });
export type SessionInfo = Static<typeof SessionInfo>;

/** A new password: at least this long (and, checked by the server, not among the most common ones). */
export const PASSWORD_MIN_LENGTH = 12;
const NewPassword = Type.String({ minLength: PASSWORD_MIN_LENGTH, maxLength: 256 });

export const CreateUserBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.@-]+$' }), password: NewPassword, role: Role },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

export const UpdateUserBody = Type.Object(
  { role: Type.Optional(Role), active: Type.Optional(Type.Boolean()), password: Type.Optional(NewPassword) },
  { additionalProperties: false },
);
export type UpdateUserBody = Static<typeof UpdateUserBody>;

export const Health = Type.Object({ status: Type.Literal('ok'), database: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]) });
export type Health = Static<typeof Health>;
