import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root; the golden vectors live beside it, in ../shared. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const VECTORS_PATH = fileURLToPath(new URL('../shared/vectors/ingenico-tlv.json', new URL('../../../../', import.meta.url)));

export interface GoldenVector {
  readonly name: string;
  readonly direction: 'box->terminal' | 'terminal->box';
  readonly hex: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** Read at test time, so the tests follow the file when vectors are added. */
export function loadVectors(): GoldenVector[] {
  const parsed = JSON.parse(readFileSync(VECTORS_PATH, 'utf8')) as { vectors: GoldenVector[] };
  return parsed.vectors;
}
