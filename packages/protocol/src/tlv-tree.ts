import { isConstructed, isWellFormedTag, MAX_NESTING_DEPTH, TlvReader } from './ber.js';
import type { ByteWriter } from './byte-writer.js';
import { TlvError, TlvErrorCode } from './errors.js';
import type { TlvNode } from './message.js';

/**
 * Parses TLVs into a raw tree. A constructed tag whose value is not itself a
 * valid TLV sequence (or nests deeper than MAX_NESTING_DEPTH) is kept as a
 * value, so any well-formed outer structure survives a round trip.
 */
export function parseTree(bytes: Uint8Array, start: number, end: number, depth = 0): TlvNode[] {
  if (depth > MAX_NESTING_DEPTH) {
    throw new TlvError(TlvErrorCode.BadStructure, `TLVs nest deeper than ${MAX_NESTING_DEPTH} levels`, { offset: start });
  }
  const nodes: TlvNode[] = [];
  const reader = new TlvReader(bytes, start, end);
  while (reader.pos < end) {
    const valueEnd = reader.readHeader();
    const { tag, valueStart } = reader;
    reader.pos = valueEnd;
    if (isConstructed(tag)) {
      try {
        nodes.push({ tag, children: parseTree(bytes, valueStart, valueEnd, depth + 1) });
        continue;
      } catch (error) {
        if (!(error instanceof TlvError)) throw error;
      }
    }
    nodes.push({ tag, value: bytes.slice(valueStart, valueEnd) });
  }
  return nodes;
}

/**
 * Writes a raw tree. Tags must be well-formed BER and `children` is allowed on
 * constructed tags only, so that what is written decodes back to the same tree.
 */
export function encodeTree(w: ByteWriter, nodes: readonly TlvNode[], path: string, depth = 0): void {
  if (depth > MAX_NESTING_DEPTH) throw new TlvError(TlvErrorCode.BadValue, `${path} nests deeper than ${MAX_NESTING_DEPTH} levels`, { path });
  nodes.forEach((node, i) => {
    const at = `${path}[${i}]`;
    if (typeof node !== 'object' || node === null) throw new TlvError(TlvErrorCode.BadValue, `${at} must be a TLV node`, { path: at });
    if (!isWellFormedTag(node.tag)) {
      throw new TlvError(TlvErrorCode.BadValue, `${at}.tag is not a well-formed BER tag`, { path: at });
    }
    if ('children' in node) {
      if (!Array.isArray(node.children)) throw new TlvError(TlvErrorCode.BadValue, `${at}.children must be a list`, { path: at });
      if (!isConstructed(node.tag)) throw new TlvError(TlvErrorCode.BadValue, `${at}.tag is primitive and cannot hold children`, { path: at });
      const start = w.begin(node.tag);
      encodeTree(w, node.children, `${at}.children`, depth + 1);
      w.end(start);
    } else {
      if (!(node.value instanceof Uint8Array)) throw new TlvError(TlvErrorCode.BadValue, `${at}.value must be bytes`, { path: at });
      w.primitive(node.tag, node.value);
    }
  });
}
