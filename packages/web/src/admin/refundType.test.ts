import { describe, expect, it } from 'vitest';
import { refundTypeOf } from './refundType.js';

describe('refundTypeOf', () => {
  it('takes nothing typed as the default, 20', () => {
    expect(refundTypeOf('')).toBeNull();
    expect(refundTypeOf('   ')).toBeNull();
  });

  it('takes two hex digits, in upper case', () => {
    expect(refundTypeOf('20')).toBe('20');
    expect(refundTypeOf(' 0a ')).toBe('0A');
  });

  it('refuses anything else', () => {
    expect(refundTypeOf('refund')).toBeUndefined();
    expect(refundTypeOf('2')).toBeUndefined();
    expect(refundTypeOf('2G')).toBeUndefined();
    expect(refundTypeOf('200')).toBeUndefined();
  });
});
