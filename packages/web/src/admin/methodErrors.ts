import { isApiError } from '../api/client.js';

export type MethodField = 'name' | 'kind' | 'journal' | 'terminal' | 'device' | 'refundType' | 'form';

const FIELD_OF_CODE: Record<string, MethodField> = {
  KASSA_JOURNAL_NOT_BANK: 'journal',
  KASSA_JOURNAL_NOT_CASH: 'journal',
  KASSA_CASH_WITH_TERMINAL: 'terminal',
  KASSA_INGENICO_DISABLED: 'terminal',
  KASSA_INGENICO_COUNTRY: 'terminal',
  KASSA_DEVICE_REQUIRED: 'device',
  KASSA_DEVICE_NOT_INGENICO: 'device',
  KASSA_DEVICE_UNEXPECTED: 'device',
  KASSA_DEVICE_GONE: 'device',
  KASSA_DEVICE_NOT_APPROVED: 'device',
  KASSA_DEVICE_IN_USE: 'device',
  KASSA_NAME_BLANK: 'name',
  KASSA_NAME_TAKEN: 'name',
};

/** Which field of the payment-method form a refusal of the server is about, from its stable code. */
export function methodFieldOf(error: unknown): MethodField {
  if (!isApiError(error)) return 'form';
  const field = FIELD_OF_CODE[error.code];
  if (field !== undefined) return field;
  if (error.code === 'KASSA_VALIDATION') {
    const issues = error.details?.['issues'];
    const path = Array.isArray(issues) ? String((issues[0] as { path?: unknown } | undefined)?.path ?? '') : '';
    if (path.includes('journalId')) return 'journal';
    if (path.includes('deviceId')) return 'device';
    if (path.includes('name')) return 'name';
    if (path.includes('refundTransactionType')) return 'refundType';
  }
  if (error.code === 'KASSA_NOT_FOUND') {
    const what = error.details?.['what'];
    if (what === 'Journal') return 'journal';
    if (what === 'Device') return 'device';
  }
  return 'form';
}
