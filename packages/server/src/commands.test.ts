import { describe, expect, it } from 'vitest';
import { CliError } from './cli-args.js';
import { checkNewAdmin } from './commands.js';

const refusal = (user: { username: string; password: string }): string => {
  try {
    checkNewAdmin(user);
  } catch (error) {
    if (error instanceof CliError) return error.message;
    throw error;
  }
  return 'no error';
};

describe('checkNewAdmin', () => {
  it('takes what POST /api/users takes', () => {
    expect(refusal({ username: 'owner.shop@x', password: 'twelve-chars' })).toBe('no error');
  });

  it('refuses a short password and a username with spaces, naming the field', () => {
    expect(refusal({ username: 'owner', password: 'short' })).toMatch(/^password .*12 to 256 characters/);
    expect(refusal({ username: 'the owner', password: 'long-enough-pw' })).toMatch(/^username /);
  });
});
