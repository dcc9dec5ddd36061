import { isKassaError } from '../domain/errors.js';

/** The stable code of the KassaError that `run` throws, or 'no error'. Tests compare codes, never messages. */
export function errorCode(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isKassaError(error)) return error.code;
    throw error;
  }
  return 'no error';
}
