/** Escapes the wildcards of a LIKE pattern, so a search for `50%` finds those characters. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
