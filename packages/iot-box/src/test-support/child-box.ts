import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait.js';

const packageDir = fileURLToPath(new URL('../../', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/**
 * Compiles the box (incremental) so a child process runs the current sources. A build that fails
 * for a reason outside the box (a dependency being edited) falls back to the last good build.
 */
export function buildBox(): void {
  try {
    execFileSync('npx', ['tsc', '-b', packageDir], { cwd: repoRoot, stdio: 'pipe' });
  } catch (error) {
    if (!existsSync(CLI)) throw error;
  }
}

export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ChildBox {
  readonly process: ChildProcess;
  readonly httpPort: number;
  readonly lines: Record<string, unknown>[];
  /** The process is gone. */
  readonly exited: Promise<number | null>;
}

/** Runs `kassa-iotbox` as a child process and waits for its "box started" line. */
export async function spawnBox(args: string[]): Promise<ChildBox> {
  const child = spawn(process.execPath, [CLI, '--http', '127.0.0.1:0', '--log-level', 'info', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ msg: line });
      }
    }
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const started = await waitFor(() => {
    if (gone) throw new Error(`the box exited before starting: ${stderr}`);
    return lines.find((l) => l.msg === 'box started');
  }, 'the child box to start');
  const http = started.http as { port: number };
  return { process: child, httpPort: http.port, lines, exited };
}
