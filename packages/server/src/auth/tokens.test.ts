import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './passwords.js';
import { boxIdOfToken, checkBoxToken, issueBoxToken } from './tokens.js';

const cheap = { N: 2 ** 10, r: 8, p: 1 };

describe('passwords', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse', cheap);
    expect(stored.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('correct hors', stored)).toBe(false);
  });

  it('salts each hash', async () => {
    expect(await hashPassword('x', cheap)).not.toBe(await hashPassword('x', cheap));
  });

  it('refuses a malformed stored hash', async () => {
    expect(await verifyPassword('x', 'plain')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$0$8$1$AA$AA')).toBe(false);
  });
});

describe('box tokens', () => {
  it('names the box and matches only its own hash', () => {
    const a = issueBoxToken();
    const b = issueBoxToken();
    expect(boxIdOfToken(a.token)).toBe(a.boxId);
    expect(checkBoxToken(a.token, a.tokenHash)).toBe(true);
    expect(checkBoxToken(a.token, b.tokenHash)).toBe(false);
    expect(a.tokenHash).not.toContain(a.token.split('.')[1]);
  });

  it('refuses a token of the wrong shape', () => {
    expect(boxIdOfToken('nope')).toBeNull();
    expect(boxIdOfToken(`${issueBoxToken().boxId}.short`)).toBeNull();
  });
});
