import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client.js';
import { methodFieldOf } from './methodErrors.js';

const refusal = (code: string, details?: Record<string, unknown>) =>
  new ApiError({ code, message: code, status: 422, ...(details === undefined ? {} : { details }) });

describe('methodFieldOf', () => {
  it('puts each rule of the seed beside the field it is about', () => {
    expect(methodFieldOf(refusal('KASSA_JOURNAL_NOT_BANK'))).toBe('journal');
    expect(methodFieldOf(refusal('KASSA_JOURNAL_NOT_CASH'))).toBe('journal');
    expect(methodFieldOf(refusal('KASSA_DEVICE_REQUIRED'))).toBe('device');
    expect(methodFieldOf(refusal('KASSA_DEVICE_NOT_INGENICO'))).toBe('device');
    expect(methodFieldOf(refusal('KASSA_CASH_WITH_TERMINAL'))).toBe('terminal');
    expect(methodFieldOf(refusal('KASSA_INGENICO_DISABLED'))).toBe('terminal');
    expect(methodFieldOf(refusal('KASSA_DEVICE_IN_USE', { field: 'deviceId' }))).toBe('device');
    expect(methodFieldOf(refusal('KASSA_NAME_TAKEN', { field: 'name' }))).toBe('name');
  });

  it('uses the path of a validation error and the kind of a missing thing', () => {
    expect(methodFieldOf(refusal('KASSA_VALIDATION', { issues: [{ path: '/journalId', message: 'minimum' }] }))).toBe('journal');
    expect(methodFieldOf(refusal('KASSA_NOT_FOUND', { what: 'Device', id: 3 }))).toBe('device');
    expect(methodFieldOf(refusal('KASSA_VALIDATION', { issues: [{ path: '/refundTransactionType', message: 'pattern' }] }))).toBe('refundType');
  });

  it('leaves anything else to the form as a whole', () => {
    expect(methodFieldOf(refusal('KASSA_INTERNAL'))).toBe('form');
    expect(methodFieldOf(new Error('boom'))).toBe('form');
  });
});
