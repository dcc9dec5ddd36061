import { describe, expect, it } from 'vitest';
import { transactionIdFromUuid } from './transaction-id.js';

describe('transactionIdFromUuid', () => {
  it('takes the first 52 bits (13 hex digits) of the UUID', () => {
    expect(transactionIdFromUuid('00007048-860d-df79-8000-000000000000')).toBe(0x00007048860ddn);
    expect(transactionIdFromUuid('ffffffff-ffff-ffff-bfff-ffffffffffff')).toBe(2n ** 52n - 1n);
  });

  it('is a safe integer and the same for the same UUID, in any case', () => {
    const uuid = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
    const id = transactionIdFromUuid(uuid);
    expect(Number.isSafeInteger(Number(id))).toBe(true);
    expect(transactionIdFromUuid(uuid.toUpperCase())).toBe(id);
    expect(id).toBe(0x3f2504e04f891n);
  });

  it('differs for UUIDs that differ in their first 13 hex digits', () => {
    expect(transactionIdFromUuid('3f2504e0-4f89-11d3-9a0c-0305e82c3301')).not.toBe(transactionIdFromUuid('3f2504e0-4f88-11d3-9a0c-0305e82c3301'));
  });

  it.each(['', 'not-a-uuid', '3f2504e0-4f89-11d3-9a0c-0305e82c330', '3f2504e04f8911d39a0c0305e82c3301', 'g f2504e0-4f89-11d3-9a0c-0305e82c3301'])(
    'rejects %j with a TypeError naming it',
    (bad) => {
      expect(() => transactionIdFromUuid(bad)).toThrow(TypeError);
      expect(() => transactionIdFromUuid(bad)).toThrow(`not a UUID: ${JSON.stringify(bad)}`);
    },
  );
});
