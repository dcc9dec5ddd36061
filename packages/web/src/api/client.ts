import type { ApiErrorCode, ErrorBody } from '@kassa/contract';

/** Any failed call of the kassa API, with the server's stable code (KASSA_…) or a local one. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor({ code, message, status, details }: { code: string; message: string; status: number; details?: Record<string, unknown> }) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/** The server could not be reached at all (offline, server down). */
export const NETWORK_ERROR = 'WEB_NETWORK';
/** The server answered with something that is not the API's JSON. */
export const BAD_RESPONSE = 'WEB_BAD_RESPONSE';
/** A code an ApiError may carry: the contract's catalogue, or one the app gives a failure of its own. */
export type ErrorCode = ApiErrorCode | typeof NETWORK_ERROR | typeof BAD_RESPONSE;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

let csrfToken: string | null = null;
const unauthenticatedListeners = new Set<() => void>();

/** The token of the login/me answer, repeated in `x-csrf-token` on every state-changing call. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called whenever the server says the session is gone (401), so the app can show the login screen. */
export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const error = (value as { error?: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError({ code: BAD_RESPONSE, message: `The server answered ${response.status} without JSON.`, status: response.status });
  }
}

/**
 * One call of the API. Bodies go as JSON; an error answer becomes an ApiError carrying the
 * server's code. The answer's type is the contract's `Static<>` type the route declares.
 * `signal` aborts the request (a screen left before its answer came); the abort is rethrown as is,
 * not as a network error, so nobody shows it.
 */
export async function api<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: signal ?? null,
    });
  } catch (caught) {
    if (signal?.aborted === true) throw caught;
    throw new ApiError({ code: NETWORK_ERROR, message: 'The server cannot be reached.', status: 0 });
  }
  const payload = await readJson(response);
  if (!response.ok) {
    if (response.status === 401 && !path.endsWith('/login')) unauthenticatedListeners.forEach((listener) => listener());
    if (isErrorBody(payload)) {
      const { code, message, details } = payload.error;
      throw new ApiError({ code, message, status: response.status, ...(details === undefined ? {} : { details }) });
    }
    throw new ApiError({ code: BAD_RESPONSE, message: `The server answered ${response.status}.`, status: response.status });
  }
  return payload as T;
}

export function isApiError(value: unknown, code?: ErrorCode): value is ApiError {
  return value instanceof ApiError && (code === undefined || value.code === code);
}
