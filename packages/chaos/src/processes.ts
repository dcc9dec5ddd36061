import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ChaosError, ChaosErrorCode } from './errors.js';

export const SERVER_BIN = fileURLToPath(new URL('../../server/bin/kassa-server.js', import.meta.url));
export const BOX_BIN = fileURLToPath(new URL('../../iot-box/bin/kassa-iotbox.js', import.meta.url));

/** A port of 127.0.0.1 that was free a moment ago (the processes must keep theirs across restarts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `check` is true or the deadline passes. */
export async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new ChaosError(ChaosErrorCode.Timeout, `${what}: not within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

export async function httpOk(url: string, timeoutMs = 1000): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  await response.arrayBuffer();
  return response.ok;
}

export interface ProcessSpec {
  readonly name: string;
  readonly bin: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Every line the process writes, for the secrets check and post-mortems. */
  readonly logFile: string;
  /** Resolves once the process serves. */
  readonly ready: () => Promise<boolean>;
}

/**
 * One of the product's commands run as a real child process, which the chaos run kills with
 * SIGKILL and starts again with the same arguments and data.
 */
export class ManagedProcess {
  #child: ChildProcess | null = null;
  #exited: Promise<number | null> = Promise.resolve(null);
  readonly #log: WriteStream;
  starts = 0;
  kills = 0;
  /** Exits nobody asked for. */
  readonly unexpectedExits: string[] = [];
  #expectExit = false;
  /** Start the process again when it exits without being asked to. */
  supervise = false;

  constructor(readonly spec: ProcessSpec) {
    this.#log = createWriteStream(spec.logFile, { flags: 'a' });
  }

  get running(): boolean {
    return this.#child !== null;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async start(timeoutMs = 30_000): Promise<void> {
    if (this.#child !== null) return;
    this.#expectExit = false;
    const child = spawn(process.execPath, [this.spec.bin, ...this.spec.args], {
      env: { ...process.env, ...this.spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.starts++;
    this.#child = child;
    child.stdout?.pipe(this.#log, { end: false });
    child.stderr?.pipe(this.#log, { end: false });
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        if (this.#child === child) this.#child = null;
        if (!this.#expectExit) {
          this.unexpectedExits.push(`${this.spec.name} exited by itself (code ${code}, signal ${signal}); see ${this.spec.logFile}`);
          // As a service manager would: the crash is recorded as a finding, and the process comes back.
          if (this.supervise) setTimeout(() => void this.start(60_000).catch(() => undefined), 1000).unref();
        }
        resolve(code);
      });
    });
    await waitUntil(
      `${this.spec.name} to serve`,
      async () => {
        if (this.#child !== child) throw new ChaosError(ChaosErrorCode.ProcessExited, `${this.spec.name} exited while starting; see ${this.spec.logFile}`);
        return this.spec.ready();
      },
      timeoutMs,
      100,
    ).catch((error: unknown) => {
      if (error instanceof ChaosError && error.code === ChaosErrorCode.Timeout && this.#child !== child) {
        throw new ChaosError(ChaosErrorCode.ProcessExited, `${this.spec.name} exited while starting; see ${this.spec.logFile}`);
      }
      throw error;
    });
  }

  /** SIGKILL: no goodbye, no flush; what the journal and the database hold is all that survives. */
  async kill(): Promise<void> {
    await this.#signal('SIGKILL');
    this.kills++;
  }

  /** SIGTERM: the graceful stop at the end of the run. */
  async stop(): Promise<void> {
    await this.#signal('SIGTERM');
  }

  async #signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (child === null) return;
    this.#expectExit = true;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await this.#exited;
    clearTimeout(timer);
  }

  async closeLog(): Promise<void> {
    if (this.#log.writableEnded) return;
    await new Promise<void>((resolve) => this.#log.end(() => resolve()));
  }
}
