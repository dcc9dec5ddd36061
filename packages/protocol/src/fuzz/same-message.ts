/** Deep equality for decoded messages: plain objects, arrays, bytes, bigints, strings and numbers. */
export function sameMessage(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameMessage(x, b[i]));
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  // Key order is wire order: it matters.
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameMessage((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * Whether some text of the message holds a character from U+0080 to U+00FF: the
 * trace of a field that was not UTF-8 and was read as Latin-1, the one case in
 * which re-encoding (as UTF-8) legitimately changes the bytes.
 */
export function hasLatin1Text(value: unknown): boolean {
  if (typeof value === 'string') return /[\u0080-\u00ff]/.test(value);
  if (value instanceof Uint8Array || typeof value !== 'object' || value === null) return false;
  return Object.values(value).some(hasLatin1Text);
}
