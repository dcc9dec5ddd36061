import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** The golden vectors as the team publishes them, beside the repository (../shared). */
export const SHARED_VECTORS_PATH = fileURLToPath(new URL('../shared/vectors/ingenico-tlv.json', new URL(REPO_ROOT, 'file:')));
/** The copy kept in the repository, so a clone without ../shared still tests every vector. */
export const COPIED_VECTORS_PATH = fileURLToPath(new URL('../vectors/ingenico-tlv.json', import.meta.url));
/** `KASSA_VECTORS` names another file; otherwise ../shared when it is there, else the copy. */
export const VECTORS_PATH = process.env['KASSA_VECTORS'] ?? (existsSync(SHARED_VECTORS_PATH) ? SHARED_VECTORS_PATH : COPIED_VECTORS_PATH);

export interface GoldenVector {
  readonly name: string;
  readonly direction: 'box->terminal' | 'terminal->box';
  readonly hex: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

function read(path: string): GoldenVector[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { vectors: GoldenVector[] }).vectors;
}

/** Read at test time, so the tests follow the file when vectors are added. */
export function loadVectors(): GoldenVector[] {
  return read(VECTORS_PATH);
}

/** The repository's copy, to compare with the published file. */
export function loadCopiedVectors(): GoldenVector[] {
  return read(COPIED_VECTORS_PATH);
}
