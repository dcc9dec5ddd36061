import { describe, expect, it } from 'vitest';
import { KassaError } from '../domain/errors.js';
import { checkNewPassword, costOfHash, DEFAULT_SCRYPT_COST, hashPassword, needsRehash, passwordWeakness, verifyPassword } from './passwords.js';

const CHEAP = { N: 2 ** 10, r: 8, p: 1 };

describe('password hashes', () => {
  it('uses the OWASP minimum for scrypt by default (N=2^17, r=8, p=1) and stores it in the hash', async () => {
    expect(DEFAULT_SCRYPT_COST).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    const hash = await hashPassword('a long secret phrase');
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(await verifyPassword('a long secret phrase', hash)).toBe(true);
    expect(await verifyPassword('another phrase', hash)).toBe(false);
  });

  it('asks for a new hash when the stored one was made with less work than the target', async () => {
    const old = await hashPassword('a long secret phrase', CHEAP);
    expect(costOfHash(old)).toEqual(CHEAP);
    expect(needsRehash(old, DEFAULT_SCRYPT_COST)).toBe(true);
    expect(needsRehash(old, CHEAP)).toBe(false);
    expect(needsRehash(old, { ...CHEAP, r: 16 })).toBe(true);
    expect(needsRehash('not a hash', CHEAP)).toBe(true);
  });
});

describe('new passwords', () => {
  it('needs at least 12 characters, counted as characters, not bytes', () => {
    expect(passwordWeakness('elevenchars')).toBe('too-short');
    expect(passwordWeakness('éàèùâêîôûëïü')).toBeNull();
    expect(passwordWeakness('éàèùâêîôûëï')).toBe('too-short');
    expect(passwordWeakness('twelve chars')).toBeNull();
  });

  it('refuses the most common passwords whatever their case', () => {
    expect(passwordWeakness('qwerty123456')).toBe('common');
    expect(passwordWeakness('LeaveMeAlone')).toBe('common');
    expect(passwordWeakness('1qaz2wsx3edc')).toBe('common');
  });

  it('refuses a common password with digits or symbols around it, or said twice: as guessable as the word', () => {
    expect(passwordWeakness('password1234')).toBe('common');
    expect(passwordWeakness('Password!2024')).toBe('common');
    expect(passwordWeakness('2024!dragon!!')).toBe('common');
    expect(passwordWeakness('monkeymonkey')).toBe('common');
    expect(passwordWeakness('SunshineSunshine1')).toBe('common');
    // A common word inside a longer phrase is not the word: the rule looks at the whole core.
    expect(passwordWeakness('password in a longer phrase')).toBeNull();
    expect(passwordWeakness('correct horse battery')).toBeNull();
  });

  it('refuses a repeat or a run of characters, however long, and keeps mixed ones', () => {
    for (const predictable of [
      '123456789012',
      '098765432109',
      'abcdefghijklmn',
      'ZYXWVUTSRQPO',
      'xyzabcdefghi',
      'aaaaaaaaaaaa',
      'éééééééééééé',
      '121212121212',
      'abcabcabcabc',
      'ab12ab12ab12',
    ])
      expect(passwordWeakness(predictable), predictable).toBe('predictable');
    for (const fine of ['1234567890ab', 'abcdefghijk1', 'abcdeabcdeab', 'Fries and cola 6.30', 'aaaaaaaaaaab']) expect(passwordWeakness(fine), fine).toBeNull();
  });

  it('refuses the username inside the password whatever its case, but not a username too short to mean anything', () => {
    expect(passwordWeakness('cashier1-2026!', 'cashier1')).toBe('personal');
    expect(passwordWeakness('the Noor of the shop', 'noor')).toBe('personal');
    expect(passwordWeakness('the Noor of the shop', 'anna')).toBeNull();
    expect(passwordWeakness('cashier on duty', 'cas')).toBeNull();
    expect(passwordWeakness('cashier1-2026!')).toBeNull();
  });

  it('throws KASSA_VALIDATION naming the field', () => {
    let caught: unknown;
    try {
      checkNewPassword('qwertyqwerty', 'noor');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(KassaError);
    expect(caught).toMatchObject({ code: 'KASSA_VALIDATION', details: { field: 'password', reason: 'common', issues: [{ path: '/password' }] } });
    expect(() => checkNewPassword('noor at the till', 'noor')).toThrow('The password contains the username; choose another.');
    expect(() => checkNewPassword('123456789012', 'noor')).toThrow('The password is a repeat or a run of characters (such as 123456789012); choose another.');
  });
});
