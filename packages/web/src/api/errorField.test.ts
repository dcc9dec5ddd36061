import { describe, expect, it } from 'vitest';
import { ApiError } from './client.js';
import { errorField, validationReason } from './errorField.js';

const refusal = (code: string, details?: Record<string, unknown>) =>
  new ApiError({ code, message: code, status: 422, ...(details === undefined ? {} : { details }) });

describe('errorField', () => {
  it('takes the field the server names in details', () => {
    expect(errorField(refusal('KASSA_NAME_BLANK', { field: 'name', reason: 'blank' }))).toBe('name');
    expect(errorField(refusal('KASSA_POS_NO_METHOD', { field: 'paymentMethodIds' }))).toBe('paymentMethodIds');
  });

  it('reads the first path of a schema refusal, without array indexes', () => {
    expect(errorField(refusal('KASSA_VALIDATION', { issues: [{ path: '/paymentMethodIds/0', message: 'Expected integer' }] }))).toBe('paymentMethodIds');
    expect(errorField(refusal('KASSA_VALIDATION', { issues: [{ path: '', message: 'Unexpected property' }] }))).toBeNull();
  });

  it('is null for a refusal about the form as a whole, or not from the server', () => {
    expect(errorField(refusal('KASSA_CONFLICT'))).toBeNull();
    expect(errorField(new Error('boom'))).toBeNull();
  });
});

describe('validationReason', () => {
  it('reads the rule and the limit of the first issue of a schema refusal', () => {
    expect(validationReason(refusal('KASSA_VALIDATION', { issues: [{ path: '/username', message: 'x', reason: 'maxLength', limit: 64 }] }))).toEqual({
      reason: 'maxLength',
      limit: 64,
    });
    expect(validationReason(refusal('KASSA_VALIDATION', { issues: [{ path: '/password', message: 'x', reason: 'required' }] }))).toEqual({
      reason: 'required',
      limit: null,
    });
  });

  it('says a minimum length of one as required, and is null without a known reason', () => {
    expect(validationReason(refusal('KASSA_VALIDATION', { issues: [{ path: '/name', reason: 'minLength', limit: 1 }] }))).toEqual({
      reason: 'required',
      limit: null,
    });
    expect(validationReason(refusal('KASSA_VALIDATION', { issues: [{ path: '/name', message: 'x' }] }))).toBeNull();
    expect(validationReason(refusal('KASSA_NAME_BLANK', { field: 'name' }))).toBeNull();
  });
});
