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
  hasPin: Type.Boolean({ description: 'Whether the user has an approval PIN (used while the user is a manager or an admin).' }),
  posConfigIds: Type.Array(Type.Integer(), {
    description: 'The POS configurations this user may open a session on while a cashier (an admin sets them); empty: any POS.',
  }),
  /** In the users list: until when failed logins lock this username (an admin can unlock it), or null. */
  lockedUntil: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});
export type User = Static<typeof User>;

/** The session cookie is HttpOnly; state-changing requests repeat `csrfToken` in the `x-csrf-token` header. */
export const SessionInfo = Type.Object({ user: User, csrfToken: Type.String() });
export type SessionInfo = Static<typeof SessionInfo>;

/** A manager's (or admin's) approval PIN: 4 to 8 digits, stored hashed like a password. */
export const Pin = Type.String({ pattern: '^[0-9]{4,8}$', description: 'An approval PIN: 4 to 8 digits.' });

/** A new password: at least this long (and, checked by the server, not among the most common ones). */
export const PASSWORD_MIN_LENGTH = 12;

/**
 * Why the server refuses a new password (`details.reason` of its KASSA_VALIDATION refusal, with
 * `details.field`): shorter than PASSWORD_MIN_LENGTH; among the 10,000 most common passwords; one
 * character or a short block repeated, or a run of digits or letters (`123456789012`,
 * `abababababab`); the user's own username written in it, whatever its case.
 */
export const PASSWORD_WEAKNESSES = ['too-short', 'common', 'predictable', 'personal'] as const;
export type PasswordWeakness = (typeof PASSWORD_WEAKNESSES)[number];
const NewPassword = Type.String({ minLength: PASSWORD_MIN_LENGTH, maxLength: 256 });
/** The POS a cashier may open; an empty list: any POS. */
const Tills = Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 1000, uniqueItems: true });

export const CreateUserBody = Type.Object(
  {
    // Spaces around it are trimmed by the server, like other names; blank once trimmed is refused (KASSA_NAME_BLANK).
    username: Type.String({ minLength: 1, maxLength: 64, pattern: '^\\s*[A-Za-z0-9_.@-]*\\s*$' }),
    password: NewPassword,
    role: Role,
    pin: Type.Optional(Pin),
    posConfigIds: Type.Optional(Tills),
  },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

/** Whether the server still waits for its first admin (GET /api/setup). */
export const SetupState = Type.Object({ needed: Type.Boolean() });
export type SetupState = Static<typeof SetupState>;

/** The first admin, created from the one-time setup link the server printed (POST /api/setup). */
export const SetupBody = Type.Object(
  {
    token: Type.String({ minLength: 20, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' }),
    username: CreateUserBody.properties.username,
    password: CreateUserBody.properties.password,
  },
  { additionalProperties: false },
);
export type SetupBody = Static<typeof SetupBody>;

export const UpdateUserBody = Type.Object(
  {
    role: Type.Optional(Role),
    active: Type.Optional(Type.Boolean()),
    password: Type.Optional(NewPassword),
    /** A new approval PIN, or null to remove it. */
    pin: Type.Optional(Type.Union([Pin, Type.Null()])),
    posConfigIds: Type.Optional(Tills),
  },
  { additionalProperties: false },
);
export type UpdateUserBody = Static<typeof UpdateUserBody>;

/** PUT /api/auth/pin: a manager or admin sets (or, with null, removes) their own approval PIN. */
export const SetOwnPinBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 256 }), pin: Type.Union([Pin, Type.Null()]) },
  { additionalProperties: false },
);
export type SetOwnPinBody = Static<typeof SetOwnPinBody>;

/**
 * A manager's approval given on the spot at a till: the manager's username and their PIN or
 * password. It lets a cashier perform an override (settle a payment by hand, and later refunds,
 * cancelling a paid order, accepting a cash difference); both users are recorded.
 */
export const ManagerApproval = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    secret: Type.String({ minLength: 1, maxLength: 256, description: 'The manager’s PIN or password.' }),
  },
  { additionalProperties: false },
);
export type ManagerApproval = Static<typeof ManagerApproval>;

export const Health = Type.Object({ status: Type.Literal('ok'), database: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]) });
export type Health = Static<typeof Health>;
