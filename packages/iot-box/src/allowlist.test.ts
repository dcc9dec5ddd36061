import { describe, expect, it } from 'vitest';
import { parseAllowlist } from './allowlist.js';

describe('parseAllowlist', () => {
  it('admits addresses inside any range, IPv4-mapped ones included', () => {
    const list = parseAllowlist('192.168.1.0/24, 10.0.0.7, fd00::/8');
    expect(list.allows('192.168.1.200')).toBe(true);
    expect(list.allows('::ffff:192.168.1.3')).toBe(true);
    expect(list.allows('10.0.0.7')).toBe(true);
    expect(list.allows('fd12::1')).toBe(true);
    expect(list.allows('10.0.0.8')).toBe(false);
    expect(list.allows('192.168.2.1')).toBe(false);
    expect(list.allows('garbage')).toBe(false);
    expect(list.ranges).toEqual(['192.168.1.0/24', '10.0.0.7/32', 'fd00::/8']);
  });

  it.each(['', '10.0.0.0/8/1', '300.1.1.1', '10.0.0.0/x', '::/129'])('refuses %j', (text) => {
    expect(() => parseAllowlist(text)).toThrow(RangeError);
  });
});
