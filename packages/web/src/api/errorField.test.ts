import { describe, expect, it } from 'vitest';
import { ApiError } from './client.js';
import { errorField } from './errorField.js';

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
