import { describe, expect, it } from 'vitest';
import { errorCode } from '../test-support/errors.js';
import type { Company } from './company.js';
import type { Device } from './devices.js';
import type { Journal } from './journals.js';
import type { PaymentMethodDraft } from './payment-methods.js';
import { checkPaymentMethod } from './payment-methods.js';
import { checkPosPaymentMethods } from './pos-configs.js';

const company: Company = { name: 'Shop', country: 'BE', ingenicoEnabled: true };
const bank: Journal = { id: 1, name: 'Bank', type: 'bank' };
const cash: Journal = { id: 2, name: 'Cash', type: 'cash' };
const lane: Device = {
  id: 7,
  boxId: 'box',
  type: 'payment',
  make: 'Ingenico',
  model: 'lane5000',
  terminalId: 'T1',
  online: true,
  removed: false,
  approval: 'approved',
  sharedWith: [],
};
const card: PaymentMethodDraft = { name: 'Card', kind: 'bank', journal: bank, terminal: 'ingenico', device: lane };

describe('checkPaymentMethod', () => {
  it('accepts an Ingenico method with the setting on, a Bank journal and an Ingenico payment device', () => {
    expect(errorCode(() => checkPaymentMethod({ company, method: card }))).toBe('no error');
  });

  it('refuses Ingenico while the setting is off', () => {
    expect(errorCode(() => checkPaymentMethod({ company: { ...company, ingenicoEnabled: false }, method: card }))).toBe('KASSA_INGENICO_DISABLED');
  });

  it('refuses Ingenico for a company outside BE, NL and LU', () => {
    expect(errorCode(() => checkPaymentMethod({ company: { ...company, country: 'FR' }, method: card }))).toBe('KASSA_INGENICO_COUNTRY');
  });

  it('refuses Ingenico on a journal that is not of type Bank', () => {
    expect(errorCode(() => checkPaymentMethod({ company, method: { ...card, journal: { ...cash } } }))).toBe('KASSA_JOURNAL_NOT_BANK');
  });

  it('refuses Ingenico without a payment terminal device', () => {
    expect(errorCode(() => checkPaymentMethod({ company, method: { ...card, device: null } }))).toBe('KASSA_DEVICE_REQUIRED');
  });

  it('refuses a device that is not a payment device', () => {
    expect(errorCode(() => checkPaymentMethod({ company, method: { ...card, device: { ...lane, type: 'printer' } } }))).toBe('KASSA_DEVICE_NOT_INGENICO');
  });

  it('refuses a payment device of another make', () => {
    expect(errorCode(() => checkPaymentMethod({ company, method: { ...card, device: { ...lane, make: 'Worldline' } } }))).toBe('KASSA_DEVICE_NOT_INGENICO');
  });

  it('refuses a device whose box was revoked', () => {
    expect(errorCode(() => checkPaymentMethod({ company, method: { ...card, device: { ...lane, removed: true } } }))).toBe('KASSA_DEVICE_GONE');
  });

  it('refuses a device that is new or quarantined: only an approved terminal may be chosen', () => {
    expect(errorCode(() => checkPaymentMethod({ company, method: { ...card, device: { ...lane, approval: 'new' } } }))).toBe('KASSA_DEVICE_NOT_APPROVED');
    expect(errorCode(() => checkPaymentMethod({ company, method: { ...card, device: { ...lane, approval: 'quarantined' } } }))).toBe(
      'KASSA_DEVICE_NOT_APPROVED',
    );
  });

  it('accepts an offline device: the device is known even when the terminal is off', () => {
    expect(errorCode(() => checkPaymentMethod({ company, method: { ...card, device: { ...lane, online: false } } }))).toBe('no error');
  });

  it('accepts a cash method on a Cash journal', () => {
    const method: PaymentMethodDraft = { name: 'Cash', kind: 'cash', journal: cash, terminal: 'none', device: null };
    expect(errorCode(() => checkPaymentMethod({ company: { ...company, ingenicoEnabled: false, country: 'FR' }, method }))).toBe('no error');
  });

  it('refuses a cash method on a Bank journal', () => {
    const method: PaymentMethodDraft = { name: 'Cash', kind: 'cash', journal: bank, terminal: 'none', device: null };
    expect(errorCode(() => checkPaymentMethod({ company, method }))).toBe('KASSA_JOURNAL_NOT_CASH');
  });

  it('refuses a cash method that uses a terminal', () => {
    const method: PaymentMethodDraft = { name: 'Cash', kind: 'cash', journal: cash, terminal: 'ingenico', device: lane };
    expect(errorCode(() => checkPaymentMethod({ company, method }))).toBe('KASSA_CASH_WITH_TERMINAL');
  });

  it('refuses a device on a method without a terminal', () => {
    const method: PaymentMethodDraft = { name: 'Bank transfer', kind: 'bank', journal: bank, terminal: 'none', device: lane };
    expect(errorCode(() => checkPaymentMethod({ company, method }))).toBe('KASSA_DEVICE_UNEXPECTED');
  });
});

describe('checkPosPaymentMethods', () => {
  it('accepts methods whose devices exist and methods without a terminal', () => {
    const methods = [
      { id: 1, terminal: 'ingenico' as const, device: lane },
      { id: 2, terminal: 'none' as const, device: null },
    ];
    expect(errorCode(() => checkPosPaymentMethods({ methods }))).toBe('no error');
  });

  it('refuses a terminal method whose device no longer exists', () => {
    const methods = [{ id: 1, terminal: 'ingenico' as const, device: { ...lane, removed: true } }];
    expect(errorCode(() => checkPosPaymentMethods({ methods }))).toBe('KASSA_DEVICE_GONE');
  });
});
