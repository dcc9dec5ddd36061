import type { PasswordWeakness, ValidationReason } from '@kassa/contract';
import { isApiError } from './client.js';

/**
 * The field of a form a refusal of the server is about: `details.field` when the server names it,
 * else the first path of a schema refusal (`/paymentMethodIds/0` → `paymentMethodIds`); null when
 * it is about the form as a whole.
 */
export function errorField(error: unknown): string | null {
  if (!isApiError(error)) return null;
  const named = error.details?.['field'];
  if (typeof named === 'string' && named !== '') return named;
  if (error.code !== 'KASSA_VALIDATION') return null;
  const issues = error.details?.['issues'];
  const path = Array.isArray(issues) ? (issues[0] as { path?: unknown } | undefined)?.path : undefined;
  if (typeof path !== 'string') return null;
  return path.split('/').find((part) => part !== '' && !/^[0-9]+$/.test(part)) ?? null;
}

/**
 * The rules the app has words for: every reason of the contract's catalogue but `invalid` (no
 * particular rule). Keyed by the contract's type, so a reason added there fails the type-check here.
 */
const KNOWN_REASONS: Readonly<Record<Exclude<ValidationReason, 'invalid'>, true>> = {
  minLength: true,
  maxLength: true,
  minimum: true,
  maximum: true,
  exclusiveMinimum: true,
  exclusiveMaximum: true,
  minItems: true,
  maxItems: true,
  pattern: true,
  required: true,
  type: true,
  enum: true,
  format: true,
  additionalProperties: true,
};
const REASONS = Object.keys(KNOWN_REASONS) as Exclude<ValidationReason, 'invalid'>[];

/**
 * Why the schema check refused the first value of a refusal (`details.issues[0]`: its rule and the
 * limit the rule names), or null when the server gave no reason the app knows (an older server).
 * A minimum length of one is what a required text means, and is said so.
 */
export function validationReason(error: unknown): { reason: ValidationReason; limit: number | null } | null {
  if (!isApiError(error, 'KASSA_VALIDATION')) return null;
  const issues = error.details?.['issues'];
  const first = Array.isArray(issues) ? (issues[0] as { reason?: unknown; limit?: unknown } | undefined) : undefined;
  const reason = REASONS.find((r) => r === first?.reason);
  if (reason === undefined) return null;
  const limit = typeof first?.limit === 'number' ? first.limit : null;
  return reason === 'minLength' && limit === 1 ? { reason: 'required', limit: null } : { reason, limit };
}

/** The message of each of the contract's refusals of a new password, under the password field. */
export const PASSWORD_REFUSAL_MESSAGES: Readonly<
  Record<PasswordWeakness, 'users.passwordHelp' | 'users.passwordCommon' | 'users.passwordPredictable' | 'users.passwordPersonal'>
> = {
  'too-short': 'users.passwordHelp',
  common: 'users.passwordCommon',
  predictable: 'users.passwordPredictable',
  personal: 'users.passwordPersonal',
};

/** Why the server refused a new password (too short, among the most common, a repeat or a run, the username inside it), or null. */
export function passwordRefusal(error: unknown): PasswordWeakness | null {
  if (!isApiError(error, 'KASSA_VALIDATION')) return null;
  const reason = error.details?.['reason'];
  const known = (Object.keys(PASSWORD_REFUSAL_MESSAGES) as PasswordWeakness[]).find((w) => w === reason);
  return error.details?.['field'] === 'password' && known !== undefined ? known : null;
}
