import type { ApiErrorCode } from '@kassa/contract';
import { ERROR_CATALOGUE } from '@kassa/contract';

/**
 * Every refusal in kassa is a KassaError with a stable code of the contract's catalogue
 * (contract/src/api/errors.ts), which also holds its HTTP status and default message.
 */

export class KassaError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ApiErrorCode, message?: string, details?: Record<string, unknown>) {
    super(message ?? ERROR_CATALOGUE[code].message);
    this.name = 'KassaError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.details = details;
  }
}

export function isKassaError(value: unknown): value is KassaError {
  return value instanceof KassaError;
}

export function notFound(what: string, id: string | number): KassaError {
  return new KassaError('KASSA_NOT_FOUND', `${what} ${id} does not exist.`, { what, id });
}
