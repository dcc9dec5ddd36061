import { BlockList, isIP } from 'node:net';

export interface Allowlist {
  /** True when the remote address may connect. */
  allows(address: string): boolean;
  /** The CIDR ranges, as given (normalised), for /status and logs. */
  readonly ranges: readonly string[];
}

/** Parses `10.0.0.0/8,192.168.1.7,fd00::/8`; throws a RangeError naming the bad entry. */
export function parseAllowlist(text: string): Allowlist {
  const list = new BlockList();
  const ranges: string[] = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const [address = '', prefixText, extra] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || extra !== undefined) throw new RangeError(`"${entry}" is not an IP address or CIDR range`);
    const max = family === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) throw new RangeError(`"${entry}" has a bad prefix length`);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new RangeError(`"${entry}" has a prefix length outside 0..${max}`);
    list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
    ranges.push(`${address}/${prefix}`);
  }
  if (ranges.length === 0) throw new RangeError('the allowlist is empty');
  return {
    ranges,
    allows(remote: string): boolean {
      const address = unmapIpv4(remote);
      const family = isIP(address);
      if (family === 0) return false;
      return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/** A dual-stack socket reports IPv4 peers as `::ffff:a.b.c.d`; ranges are written in IPv4. */
function unmapIpv4(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}
