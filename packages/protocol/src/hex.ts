const HEX = '0123456789abcdef';
const BYTE_TO_HEX: string[] = Array.from({ length: 256 }, (_, b) => HEX[b >> 4]! + HEX[b & 15]!);

/** Lower-case hex of the bytes, two digits a byte. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += BYTE_TO_HEX[bytes[i]!];
  return out;
}

/** Parses hex (any case, no separators); returns undefined when it is not hex. */
export function fromHex(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** A tag number written as the hex of its bytes, as PROTOCOL.md names tags ("1F70", "DF5F"). */
export function tagToHex(tag: number): string {
  let hex = tag.toString(16).toUpperCase();
  if (hex.length % 2 !== 0) hex = `0${hex}`;
  return hex;
}
