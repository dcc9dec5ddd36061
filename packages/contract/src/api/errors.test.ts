import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { ErrorBody } from './common.js';
import { API_ERROR_CODES, ERROR_CATALOGUE, isApiErrorCode } from './errors.js';

describe('the error catalogue', () => {
  it('gives every code an error status and a message that fit the one error shape', () => {
    for (const code of API_ERROR_CODES) {
      const { status, message } = ERROR_CATALOGUE[code];
      expect(status >= 400 && status < 600, code).toBe(true);
      expect(Value.Check(ErrorBody, { error: { code, message } }), code).toBe(true);
    }
  });

  it('knows its own codes and nothing else', () => {
    expect(isApiErrorCode('KASSA_NOT_FOUND')).toBe(true);
    expect(isApiErrorCode('KASSA_NOPE')).toBe(false);
    expect(isApiErrorCode('toString')).toBe(false);
  });
});
