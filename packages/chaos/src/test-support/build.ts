import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** The box runs as a child process from its build: compile it when no build is there yet. */
export function ensureBuilt(pkg: 'iot-box' | 'server'): void {
  if (existsSync(fileURLToPath(new URL(`../../../${pkg}/dist/cli.js`, import.meta.url)))) return;
  execFileSync('npx', ['tsc', '-b', `packages/${pkg}`], { cwd: repoRoot, stdio: 'pipe' });
}
