import type { TFunction } from 'i18next';
import { isApiError } from '../api/client';
import i18n from './index';

/** A refusal in the user's language: the translation of the server's code, else the server's message. */
export function errorText(t: TFunction, error: unknown): string {
  if (isApiError(error)) {
    const key = `errors.${error.code}`;
    return i18n.exists(key) ? t(key as 'errors.KASSA_INTERNAL') : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
