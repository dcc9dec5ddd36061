import type { Company } from './company.js';
import { INGENICO_COUNTRIES, isIngenicoCountry } from './company.js';
import type { Device } from './devices.js';
import { isIngenicoPaymentDevice } from './devices.js';
import { checkDeviceChoosable } from './device-approval.js';
import { KassaError } from './errors.js';
import type { Journal } from './journals.js';

export const PAYMENT_METHOD_KINDS = ['cash', 'bank'] as const;
export type PaymentMethodKind = (typeof PAYMENT_METHOD_KINDS)[number];
export const TERMINALS = ['none', 'ingenico'] as const;
export type Terminal = (typeof TERMINALS)[number];

export interface PaymentMethodDraft {
  readonly name: string;
  readonly kind: PaymentMethodKind;
  readonly journal: Journal;
  /** "Use a payment terminal". */
  readonly terminal: Terminal;
  /** "Payment terminal device". */
  readonly device: Device | null;
}

/**
 * The seed document's rules for a payment method, each refused with its own code, checked in the
 * order a person fills the form: kind and journal, then the terminal, then the device.
 */
export function checkPaymentMethod({ company, method }: { company: Company; method: PaymentMethodDraft }): void {
  if (method.kind === 'cash') {
    if (method.journal.type !== 'cash') throw new KassaError('KASSA_JOURNAL_NOT_CASH', undefined, { journalId: method.journal.id });
    if (method.terminal !== 'none') throw new KassaError('KASSA_CASH_WITH_TERMINAL');
  }
  if (method.terminal === 'none') {
    if (method.device !== null) throw new KassaError('KASSA_DEVICE_UNEXPECTED', undefined, { deviceId: method.device.id });
    return;
  }
  if (!isIngenicoCountry(company.country)) {
    throw new KassaError('KASSA_INGENICO_COUNTRY', undefined, { country: company.country, allowed: [...INGENICO_COUNTRIES] });
  }
  if (!company.ingenicoEnabled) throw new KassaError('KASSA_INGENICO_DISABLED');
  if (method.journal.type !== 'bank') throw new KassaError('KASSA_JOURNAL_NOT_BANK', undefined, { journalId: method.journal.id });
  if (method.device === null) throw new KassaError('KASSA_DEVICE_REQUIRED');
  if (method.device.removed) throw new KassaError('KASSA_DEVICE_GONE', undefined, { deviceId: method.device.id });
  if (!isIngenicoPaymentDevice(method.device)) {
    throw new KassaError('KASSA_DEVICE_NOT_INGENICO', undefined, { deviceId: method.device.id, type: method.device.type, make: method.device.make });
  }
  checkDeviceChoosable(method.device, 'deviceId');
}
