import { isConstructed, TlvReader } from './ber.js';
import type { ByteWriter } from './byte-writer.js';
import { TlvError, TlvErrorCode } from './errors.js';
import type { TlvNode } from './message.js';

/**
 * Parses TLVs into a raw tree. A constructed tag whose value is not itself a
 * valid TLV sequence is kept as a value, so any well-formed outer structure
 * survives a round trip.
 */
export function parseTree(bytes: Uint8Array, start: number, end: number): TlvNode[] {
  const nodes: TlvNode[] = [];
  const reader = new TlvReader(bytes, start, end);
  while (reader.pos < end) {
    const { tag, valueStart, valueEnd } = reader.readHeader();
    reader.pos = valueEnd;
    if (isConstructed(tag)) {
      try {
        nodes.push({ tag, children: parseTree(bytes, valueStart, valueEnd) });
        continue;
      } catch (error) {
        if (!(error instanceof TlvError)) throw error;
      }
    }
    nodes.push({ tag, value: bytes.slice(valueStart, valueEnd) });
  }
  return nodes;
}

export function encodeTree(w: ByteWriter, nodes: readonly TlvNode[], path: string): void {
  nodes.forEach((node, i) => {
    const at = `${path}[${i}]`;
    if (!Number.isInteger(node.tag) || node.tag <= 0 || node.tag > 0xffffffff) {
      throw new TlvError(TlvErrorCode.BadValue, `${at}.tag is not a tag number`, { path: at });
    }
    if ('children' in node) {
      if (!Array.isArray(node.children)) throw new TlvError(TlvErrorCode.BadValue, `${at}.children must be a list`, { path: at });
      const start = w.begin(node.tag);
      encodeTree(w, node.children, `${at}.children`);
      w.end(start);
    } else {
      if (!(node.value instanceof Uint8Array)) throw new TlvError(TlvErrorCode.BadValue, `${at}.value must be bytes`, { path: at });
      w.primitive(node.tag, node.value);
    }
  });
}
