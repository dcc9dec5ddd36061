import { readFileSync } from 'node:fs';

function readVersion(): string {
  // src/ and dist/ both sit one level below the package's package.json.
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  const parsed: unknown = JSON.parse(text);
  const version = typeof parsed === 'object' && parsed !== null ? (parsed as { version?: unknown }).version : undefined;
  return typeof version === 'string' ? version : '0.0.0';
}

export const SERVER_VERSION = readVersion();
