import { describe, expect, it } from 'vitest';
import { errorCode } from '../test-support/errors.js';
import type { Company } from './company.js';
import { normaliseCountry, updateCompany } from './company.js';

const belgian: Company = { name: 'Frituur', country: 'BE', ingenicoEnabled: false };

describe('updateCompany', () => {
  it.each(['BE', 'NL', 'LU'])('switches Ingenico on for a company in %s', (country) => {
    const next = updateCompany({ company: { ...belgian, country }, change: { ingenicoEnabled: true }, ingenicoMethodCount: 0 });
    expect(next.ingenicoEnabled).toBe(true);
  });

  it.each(['FR', 'DE', 'US'])('refuses Ingenico for a company in %s', (country) => {
    expect(errorCode(() => updateCompany({ company: { ...belgian, country }, change: { ingenicoEnabled: true }, ingenicoMethodCount: 0 }))).toBe(
      'KASSA_INGENICO_COUNTRY',
    );
  });

  it('refuses moving a company with Ingenico on to a country without Ingenico', () => {
    const company = { ...belgian, ingenicoEnabled: true };
    expect(errorCode(() => updateCompany({ company, change: { country: 'fr' }, ingenicoMethodCount: 0 }))).toBe('KASSA_INGENICO_COUNTRY');
  });

  it('refuses switching Ingenico off while payment methods use it', () => {
    const company = { ...belgian, ingenicoEnabled: true };
    expect(errorCode(() => updateCompany({ company, change: { ingenicoEnabled: false }, ingenicoMethodCount: 2 }))).toBe('KASSA_INGENICO_IN_USE');
  });

  it('switches Ingenico off when no method uses it', () => {
    const company = { ...belgian, ingenicoEnabled: true };
    expect(updateCompany({ company, change: { ingenicoEnabled: false }, ingenicoMethodCount: 0 }).ingenicoEnabled).toBe(false);
  });

  it('keeps unchanged fields and normalises the country to upper case', () => {
    expect(updateCompany({ company: belgian, change: { country: ' nl ' }, ingenicoMethodCount: 0 })).toEqual({ ...belgian, country: 'NL' });
  });
});

describe('normaliseCountry', () => {
  it.each(['', 'B', 'BEL', '12'])('refuses %j as a country', (country) => {
    expect(errorCode(() => normaliseCountry({ country }))).toBe('KASSA_COUNTRY_UNKNOWN');
  });
});
