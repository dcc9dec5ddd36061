import type { TFunction } from 'i18next';
import { isApiError } from '../api/client';
import { errorField, validationReason } from '../api/errorField';
import i18n from './index';

/** A field of a form in the user's language (the server's name of it when there is no label). */
export function fieldLabel(t: TFunction, field: string): string {
  const key = `fields.${field}`;
  return i18n.exists(key) ? t(key as 'fields.name') : field;
}

/** Why the schema check refused a field, in the user's language: "Username: too long (64 characters at most)". */
function fieldRefusal(t: TFunction, error: unknown, field: string): string {
  const why = validationReason(error);
  if (why === null) return t('errors.fieldInvalid', { field: fieldLabel(t, field) });
  const key = field === 'username' && why.reason === 'pattern' ? 'usernamePattern' : why.reason;
  return t('errors.fieldReason', { field: fieldLabel(t, field), reason: t(`validation.${key}`, { limit: why.limit ?? '' }) });
}

/**
 * A refusal in the user's language: the translation of the server's code, filled in with its
 * `details` (the name taken, the method that uses a device), naming the field of a schema refusal
 * and why it was refused; a username taken in the user's words; another conflict in a translated
 * sentence quoting the server's message; else the server's message.
 */
export function errorText(t: TFunction, error: unknown): string {
  if (isApiError(error)) {
    if (error.code === 'KASSA_CONFLICT') {
      const username = error.details?.['username'];
      if (error.details?.['reason'] === 'taken' && typeof username === 'string') return t('errors.usernameTaken', { username });
      return t('errors.conflictSaid', { message: error.message });
    }
    const field = errorField(error);
    if (error.code === 'KASSA_VALIDATION' && field !== null) return fieldRefusal(t, error, field);
    const key = `errors.${error.code}`;
    return i18n.exists(key) ? t(key as 'errors.KASSA_INTERNAL', { ...error.details }) : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Splits a refusal between a form's fields: `errorFor(field)` is the text beside the field the
 * server named (one of `fields`), `formError` what is left for the form as a whole.
 */
export function fieldErrors(t: TFunction, error: unknown, fields: readonly string[]): { errorFor: (field: string) => string | null; formError: unknown } {
  const field = errorField(error);
  const shown = field !== null && fields.includes(field) ? field : null;
  return { errorFor: (name) => (name === shown ? errorText(t, error) : null), formError: shown === null ? error : null };
}
