import type { Static } from 'typebox';
import { Type } from 'typebox';
import { Role } from './common.js';

export const LoginBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const User = Type.Object({ id: Type.Integer(), username: Type.String(), role: Role, active: Type.Boolean() });
export type User = Static<typeof User>;

/** The session cookie is HttpOnly; state-changing requests repeat `csrfToken` in the `x-csrf-token` header. */
export const SessionInfo = Type.Object({ user: User, csrfToken: Type.String() });
export type SessionInfo = Static<typeof SessionInfo>;

export const CreateUserBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.@-]+$' }), password: Type.String({ minLength: 8, maxLength: 256 }), role: Role },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

/** Whether the server still waits for its first admin (GET /api/setup). */
export const SetupState = Type.Object({ needed: Type.Boolean() });
export type SetupState = Static<typeof SetupState>;

/** The first admin, created from the one-time setup link the server printed (POST /api/setup). */
export const SetupBody = Type.Object(
  { token: Type.String({ minLength: 20, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' }), username: CreateUserBody.properties.username, password: CreateUserBody.properties.password },
  { additionalProperties: false },
);
export type SetupBody = Static<typeof SetupBody>;

export const UpdateUserBody = Type.Object(
  { role: Type.Optional(Role), active: Type.Optional(Type.Boolean()), password: Type.Optional(Type.String({ minLength: 8, maxLength: 256 })) },
  { additionalProperties: false },
);
export type UpdateUserBody = Static<typeof UpdateUserBody>;

export const Health = Type.Object({ status: Type.Literal('ok'), database: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]) });
export type Health = Static<typeof Health>;
