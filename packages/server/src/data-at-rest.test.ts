import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_FILE } from './demo.js';
import { startServer } from './main.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

const mode = (path: string): number => statSync(path).mode & 0o777;

function modes(dir: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    found.set(path, mode(path));
  }
  return found;
}

/** Compiles the server (incremental) so the child runs the current sources; a failed build falls back to the last good one. */
function buildServer(): void {
  try {
    execFileSync('npx', ['tsc', '-b', 'packages/server'], { cwd: REPO_ROOT, stdio: 'pipe' });
  } catch (error) {
    if (!existsSync(CLI)) throw error;
  }
}

describe('the server data folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'kassa-at-rest-'));
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('is created 0700 with the demo secrets 0600 and the embedded database owner-only, and an existing one loses group and other rights', async () => {
    const dataDir = join(root, 'fresh', 'data');
    // As npm start and any embedder call it: in this process, whatever umask it had.
    const before = process.umask(0o022);
    try {
      const server = await startServer({ port: 0, dataDir, demo: true, logLevel: 'silent', webDist: null });
      await server.close();
    } finally {
      process.umask(before);
    }
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, 'pglite'))).toBe(0o700);
    expect(mode(join(dataDir, DEMO_FILE))).toBe(0o600);
    const found = modes(dataDir);
    expect(found.size).toBeGreaterThan(100);
    expect([...found].filter(([, m]) => (m & 0o077) !== 0).map(([path]) => path)).toEqual([]);

    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, DEMO_FILE), 0o644);
    const again = await startServer({ port: 0, dataDir, demo: true, logLevel: 'silent', webDist: null });
    await again.close();
    expect(mode(dataDir)).toBe(0o700);
  }, 120_000);

  it('kassa-server runs with umask 077: the embedded database files are the owner’s only', async () => {
    buildServer();
    const dataDir = join(root, 'cli');
    const child = spawn(process.execPath, [CLI, '--port', '0', '--data', dataDir, '--demo', '--log-level', 'warn'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KASSA_DATA: '', DATABASE_URL: '' },
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal === null ? null : -1))));
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes('kassa is running')) resolve();
      });
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      void exited.then((code) => reject(new Error(`kassa-server exited (${code}): ${output}`)));
    });
    child.kill('SIGTERM');
    const code = await exited;
    expect([code, output]).toEqual([0, expect.stringContaining('closing')]);
    const found = modes(dataDir);
    expect(found.size).toBeGreaterThan(100);
    expect(mode(dataDir)).toBe(0o700);
    const readable = [...found].filter(([, m]) => (m & 0o077) !== 0).map(([path]) => path);
    expect(readable).toEqual([]);
  }, 120_000);
});
