import type { ApiErrorCode } from '@kassa/contract';
import { API_ERROR_CODES, ERROR_CATALOGUE } from '@kassa/contract';
import { sample } from 'openapi-sampler';
import { OWN_CODES_PREFIX } from './errors.js';
import { RESPONSE_EXAMPLES } from './openapi-examples.js';

/** The parts of an OpenAPI 3.1 document this module reads and fills in. */
interface Media {
  schema?: Record<string, unknown>;
  example?: unknown;
  examples?: Record<string, { summary?: string; value: unknown }>;
}
interface Response {
  description?: string;
  content?: Record<string, Media>;
}
interface Operation {
  responses?: Record<string, Response>;
  'x-kassa-access'?: string;
}
export interface OpenApiDocument {
  paths?: Record<string, Record<string, Operation | unknown>>;
  [key: string]: unknown;
}

const SUCCESS: Record<string, string> = {
  '200': 'OK: the answer below.',
  '201': 'Created: the new resource below.',
  '202': 'Accepted.',
  '204': 'Done; no body.',
};

const ERROR_MEANING: Record<string, string> = {
  '400': 'The request is not valid (its schema, path or JSON).',
  '401': 'Not logged in, or the session ended.',
  '403': 'The role may not do this, or the CSRF token is missing or wrong.',
  '404': 'Nothing with this id.',
  '409': 'Conflicts with the current state.',
  '413': 'The body is too large.',
  '415': 'The body is not JSON.',
  '422': 'Breaks a business rule.',
  '429': 'Too many attempts; wait and try again.',
  '500': 'Internal error; the server log has the details.',
  '503': 'A terminal or the database does not answer.',
};

const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'];

/** The codes of the error catalogue that answer with this status. */
export function errorCodesFor(status: number): ApiErrorCode[] {
  return API_ERROR_CODES.filter((code) => ERROR_CATALOGUE[code].status === status);
}

function errorExamples(codes: readonly ApiErrorCode[]): Record<string, { summary: string; value: unknown }> {
  return Object.fromEntries(
    codes.map((code) => {
      const details = code === 'KASSA_VALIDATION' ? { details: { issues: [{ path: '/amountCents', message: 'Expected integer' }] } } : {};
      return [code, { summary: code, value: { error: { code, message: ERROR_CATALOGUE[code].message, ...details } } }];
    }),
  );
}

function sameKeys(schema: Record<string, unknown> | undefined, example: Record<string, unknown>): boolean {
  const properties = schema?.['properties'];
  if (typeof properties !== 'object' || properties === null) return false;
  const keys = Object.keys(properties).sort();
  const exampleKeys = Object.keys(example).sort();
  return keys.length === exampleKeys.length && keys.every((key, i) => key === exampleKeys[i]);
}

function successExample(media: Media, document: OpenApiDocument): unknown {
  const written = RESPONSE_EXAMPLES.find((example) => sameKeys(media.schema, example));
  if (written !== undefined) return written;
  return media.schema === undefined ? undefined : sample(media.schema, { skipReadOnly: false }, document);
}

/**
 * The codes a route named as its own for this status (errorResponses with codes), if it did; a
 * route that needs a user also answers 409 KASSA_SETUP_REQUIRED before the first admin exists.
 */
function ownCodes(description: string | undefined, status: number, access: string | undefined): ApiErrorCode[] | undefined {
  if (description?.startsWith(OWN_CODES_PREFIX) !== true) return undefined;
  const codes = description
    .slice(OWN_CODES_PREFIX.length)
    .split(', ')
    .filter((code): code is ApiErrorCode => (API_ERROR_CODES as readonly string[]).includes(code));
  const setup = ERROR_CATALOGUE.KASSA_SETUP_REQUIRED.status === status && access !== 'public' && !codes.includes('KASSA_SETUP_REQUIRED');
  return setup ? [...codes, 'KASSA_SETUP_REQUIRED'] : codes;
}

function describe(status: string, response: Response, document: OpenApiDocument, access: string | undefined): void {
  const code = Number(status);
  const isError = code >= 400;
  const codes = isError ? (ownCodes(response.description, code, access) ?? errorCodesFor(code)) : [];
  // Every error answer has the one error shape (and its one description): say instead what this status means and which codes it carries.
  if (isError || response.description === undefined || response.description === 'Default Response') {
    const meaning = isError ? (ERROR_MEANING[status] ?? 'Refused.') : (SUCCESS[status] ?? 'OK.');
    response.description = codes.length === 0 ? meaning : `${meaning} Codes: ${codes.join(', ')}.`;
  }
  for (const media of Object.values(response.content ?? {})) {
    if (media.example !== undefined || media.examples !== undefined) continue;
    if (isError) {
      const examples = errorExamples(codes);
      if (Object.keys(examples).length > 0) media.examples = examples;
    } else {
      const example = successExample(media, document);
      if (example !== undefined) media.example = example;
    }
  }
}

/**
 * Describes every response of every operation by its status: a sentence instead of "Default
 * Response", for errors the route's own codes of that status (where it names them) or else the
 * catalogue's codes of that status, with an example of each, for answers
 * the hand-written example that fits the schema (the payment) or one sampled from the schema.
 */
export function describeResponses<D extends OpenApiDocument>(document: D): D {
  for (const item of Object.values(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method] as Operation | undefined;
      for (const [status, response] of Object.entries(operation?.responses ?? {})) describe(status, response, document, operation?.['x-kassa-access']);
    }
  }
  return document;
}
