import { readFileSync } from 'node:fs';

/** The package's version; src/ and dist/ both sit one level below its package.json. */
export const CHAOS_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
