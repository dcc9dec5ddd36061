import type { ApiErrorCode, ValidationIssue } from '@kassa/contract';
import { ERROR_CATALOGUE, ErrorBody, VALIDATION_LIMITS, VALIDATION_REASONS } from '@kassa/contract';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { isKassaError } from '../domain/errors.js';

export interface ErrorPayload {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export function errorPayload(code: ApiErrorCode, message?: string, details?: Record<string, unknown>): ErrorPayload {
  return { error: { code, message: message ?? ERROR_CATALOGUE[code].message, ...(details === undefined ? {} : { details }) } };
}

/** How a route's own codes reach the OpenAPI document: the response's description, read back by openapi-responses. */
export const OWN_CODES_PREFIX = 'Only: ';

/**
 * The error responses a route may give, for its schema (and so the OpenAPI document): 400, 401,
 * 403, 429 and 500 as every route, plus its own, each given as a status (the document lists every
 * code of the catalogue with that status) or, better, as the codes the route really answers with
 * (the document lists only those under their status).
 */
export function errorResponses(...own: (number | ApiErrorCode)[]): Record<number, TSchema> {
  const responses: Record<number, TSchema> = Object.fromEntries([400, 401, 403, 429, 500].map((status) => [status, ErrorBody]));
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const item of own) {
    if (typeof item === 'number') responses[item] = ErrorBody;
    else byStatus.set(ERROR_CATALOGUE[item].status, [...(byStatus.get(ERROR_CATALOGUE[item].status) ?? []), item]);
  }
  for (const [status, codes] of byStatus) {
    responses[status] = Type.Object(ErrorBody.properties, { description: `${OWN_CODES_PREFIX}${codes.join(', ')}` });
  }
  return responses;
}

const FRAMEWORK_CODES: Record<number, ApiErrorCode> = {
  400: 'KASSA_VALIDATION',
  404: 'KASSA_NOT_FOUND',
  413: 'KASSA_BODY_TOO_LARGE',
  415: 'KASSA_UNSUPPORTED_MEDIA',
  429: 'KASSA_RATE_LIMITED',
};

/**
 * Errors the router finds before any route runs (a malformed percent-encoding, a parameter longer
 * than the router takes): answered in the one shape too. Given to Fastify as `frameworkErrors`.
 */
export function frameworkErrorReply(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  void reply.status(status).send(errorPayload('KASSA_VALIDATION', status === 414 ? 'A path parameter is too long.' : 'The request path is not valid.'));
}

/** One error shape for everything: domain refusals, schema validation, framework errors, bugs (404s: see web.ts). */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isKassaError(error)) return reply.status(error.status).send(errorPayload(error.code, error.message, error.details));
    if (error.validation !== undefined) {
      const issues = error.validation.map(validationIssue);
      return reply.status(400).send(errorPayload('KASSA_VALIDATION', `Invalid ${error.validationContext ?? 'request'}: ${error.message}`, { issues }));
    }
    const sqlCode = databaseErrorCode(error);
    if (sqlCode !== null) return reply.status(ERROR_CATALOGUE[sqlCode].status).send(errorPayload(sqlCode));
    const status = error.statusCode ?? 500;
    const code = FRAMEWORK_CODES[status];
    // A client error the framework found (bad JSON, wrong content type, too large…) is never a 5xx.
    if (status >= 400 && status < 500) return reply.status(status).send(errorPayload(code ?? 'KASSA_VALIDATION', error.message));
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(errorPayload('KASSA_INTERNAL'));
  });
}

/**
 * One refusal of the schema check: the path of the value (for a missing property, the property's
 * own path, so the field is named), the rule it broke (`reason`: minLength, pattern, required…,
 * `invalid` for a rule the contract does not name), the limit that rule names, and the
 * validator's own English words.
 */
function validationIssue(v: { instancePath: string; keyword: string; params: Record<string, unknown>; message?: string }): ValidationIssue {
  // TypeBox names the missing properties in `requiredProperties` (Ajv in `missingProperty`): the first names the field.
  const named = v.keyword === 'required' ? (v.params['requiredProperties'] ?? [v.params['missingProperty']]) : undefined;
  const missing = Array.isArray(named) ? named[0] : undefined;
  const path = typeof missing === 'string' ? `${v.instancePath}/${missing}` : v.instancePath;
  const reason = VALIDATION_REASONS.find((r) => r === v.keyword) ?? 'invalid';
  const limit = VALIDATION_LIMITS.includes(reason) ? v.params['limit'] : undefined;
  return { path, message: v.message ?? '', reason, ...(typeof limit === 'number' ? { limit } : {}) };
}

/**
 * A safety net under the services' own checks: a value the database refuses (SQLSTATE class 22,
 * data exception) is bad input, and a broken constraint (class 23) is a conflict with stored data.
 */
function databaseErrorCode(error: unknown): ApiErrorCode | null {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return null;
  if (code.startsWith('22')) return 'KASSA_VALIDATION';
  if (code.startsWith('23')) return 'KASSA_CONFLICT';
  return null;
}
