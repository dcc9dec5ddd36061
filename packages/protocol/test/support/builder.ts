// A deliberately naive TLV writer, independent of the codec, so tests compare
// the codec against bytes built another way (CRC from node:zlib).
import { crc32 } from 'node:zlib';

export type Bytes = Uint8Array;

export function hex(text: string): Bytes {
  return Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

export function cat(...parts: Bytes[]): Bytes {
  return Uint8Array.from(Buffer.concat(parts));
}

export function ascii(text: string): Bytes {
  return Uint8Array.from(Buffer.from(text, 'utf8'));
}

/** BER length in its shortest form. */
export function berLength(n: number): Bytes {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** One TLV; `tag` is given as hex ("1F70"). */
export function tlv(tag: string, ...value: Bytes[]): Bytes {
  const content = cat(...value);
  return cat(hex(tag), berLength(content.length), content);
}

export function u32(n: number): Bytes {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return Uint8Array.from(b);
}

export const MAGIC_BYTES = ascii('P4Y-ECR!');

export interface HeaderSpec {
  protocolId?: string;
  typeId: number;
  terminalId?: string;
  ecrId?: string;
  sequenceNumber?: number;
}

export function header(spec: HeaderSpec): Bytes {
  const seq = spec.sequenceNumber ?? 0;
  return tlv(
    'E1',
    tlv('10', hex(spec.protocolId ?? '00000100')),
    tlv('11', hex(String(spec.typeId).padStart(8, '0'))),
    tlv('12', ascii(spec.terminalId ?? '12345678')),
    ...(spec.ecrId === undefined ? [] : [tlv('13', ascii(spec.ecrId))]),
    tlv('14', Uint8Array.of(seq >> 8, seq & 0xff)),
  );
}

/** Wraps a root TLV's content: prefix, magic, F0. */
export function wrapRoot(rootContent: Bytes): Bytes {
  const root = tlv('F0', rootContent);
  return cat(u32(MAGIC_BYTES.length + root.length), MAGIC_BYTES, root);
}

/** A frame from a header and the body's inner bytes, with a correct MDC unless one is given. */
export function frame(head: HeaderSpec | Bytes, bodyInner: Bytes, mdc?: number): Bytes {
  const headerBytes = head instanceof Uint8Array ? head : header(head);
  const footer = tlv('E3', tlv('1C', u32(mdc ?? crc32(bodyInner))));
  return wrapRoot(cat(headerBytes, tlv('E2', bodyInner), footer));
}

export function toHexString(bytes: Bytes): string {
  return Buffer.from(bytes).toString('hex');
}
