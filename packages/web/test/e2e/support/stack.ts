import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBox } from '@kassa/iot-box';
import type { Box } from '@kassa/iot-box';
import type { RunningServer } from '@kassa/server';
import { startServer } from '@kassa/server';
import { startTerminal } from '@kassa/terminal-sim';
import type { ScenarioName, ScriptStep, TerminalHandle } from '@kassa/terminal-sim';

export const WEB_DIR = fileURLToPath(new URL('../../../', import.meta.url));
export const WEB_DIST = join(WEB_DIR, 'dist');
export const REPO_ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
export const SCREENSHOTS = join(REPO_ROOT, 'test-output', 'screenshots');

function newestSource(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const path = join(dir, entry.name);
    return Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }, 0);
}

function buildIsCurrent(): boolean {
  const index = join(WEB_DIST, 'index.html');
  return existsSync(index) && statSync(index).mtimeMs >= newestSource(join(WEB_DIR, 'src'));
}

const BUILD_LOCK = join(WEB_DIR, '.build-lock');
const STALE_LOCK_MS = 120_000;

/**
 * The browser suite runs against the built app, as the server serves it: built when missing or
 * older than its sources. Test files run in parallel, and a build empties dist/ while another file's
 * browser may be loading it, so one build at a time (a lock directory), re-checked under the lock.
 */
export function ensureWebBuild(): void {
  if (buildIsCurrent()) return;
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK);
      break;
    } catch {
      if (existsSync(BUILD_LOCK) && Date.now() - statSync(BUILD_LOCK).mtimeMs > STALE_LOCK_MS) rmSync(BUILD_LOCK, { recursive: true, force: true });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (!buildIsCurrent()) execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: WEB_DIR, stdio: 'inherit' });
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

export interface TerminalSpec {
  readonly terminalId: string;
  readonly scenario?: ScenarioName | ScriptStep[];
  /** The test presses `card` and `pin-ok` itself. */
  readonly manualKeys?: boolean;
  readonly model?: 'lane5000' | 'desk5000' | 'move5000';
  readonly stageDelayMs?: number;
  /** Plays another device: its own serial number, dialling from another loopback address. */
  readonly serialNumber?: string;
  readonly localAddress?: string;
}

/** A real server (PGlite in a temp folder, demo data unless asked otherwise), with boxes and emulated terminals in this process. */
export class Stack {
  readonly boxes: Box[] = [];
  readonly terminals = new Map<string, TerminalHandle>();
  readonly impostors: TerminalHandle[] = [];

  private constructor(
    private running: RunningServer,
    readonly dataDir: string,
  ) {}

  /** With `demo: false`, an empty database: the server has no admin yet and offers its setup link. */
  static async start(options: { demo?: boolean } = {}): Promise<Stack> {
    ensureWebBuild();
    mkdirSync(SCREENSHOTS, { recursive: true });
    const dataDir = mkdtempSync(join(tmpdir(), 'kassa-web-e2e-'));
    return new Stack(await Stack.serve(dataDir, 0, options.demo ?? true), dataDir);
  }

  private static serve(dataDir: string, port: number, demo: boolean): Promise<RunningServer> {
    return startServer({ port, dataDir: join(dataDir, 'server'), demo, logLevel: 'silent', webDist: WEB_DIST });
  }

  get server(): RunningServer {
    return this.running;
  }

  /** Stops the server, as a restart does: browsers and boxes lose it until `startServerAgain`. */
  async stopServer(): Promise<void> {
    await this.running.close();
  }

  /** Starts the server again on the same port with the same data, as it comes back from a restart. */
  async startServerAgain(): Promise<void> {
    this.running = await Stack.serve(this.dataDir, Number(new URL(this.running.url).port), true);
  }

  get url(): string {
    return this.server.url;
  }

  get demo() {
    const demo = this.server.demo;
    if (demo === undefined) throw new Error('the server was started without demo data');
    return demo;
  }

  /** A box dialling the server with `token`; terminals reach it on an ephemeral port. */
  async startBox(token: string, options: { transactionTimeoutMs?: number } = {}): Promise<Box> {
    const box = await startBox({
      listen: '127.0.0.1:0',
      http: null,
      server: this.server.url,
      token,
      dataDir: join(this.dataDir, `box-${this.boxes.length}`),
      logLevel: 'silent',
      // Short, so a terminal that never answers turns into `unknown` within the test.
      transactionTimeoutMs: options.transactionTimeoutMs ?? 8_000,
    });
    this.boxes.push(box);
    return box;
  }

  /** Starts (or restarts with another scenario) the emulated terminal with this TerminalId. */
  async terminal(box: Box, spec: TerminalSpec): Promise<TerminalHandle> {
    await this.terminals.get(spec.terminalId)?.close();
    const terminal = this.dial(box, spec);
    this.terminals.set(spec.terminalId, terminal);
    await terminal.ready();
    return terminal;
  }

  /**
   * Another device on the shop network claiming the TerminalId of a terminal online on `box`, from
   * 127.0.0.2 with another serial number: the box refuses it at every attempt, so it never gets ready.
   */
  impostor(box: Box, terminalId: string): TerminalHandle {
    const impostor = this.dial(box, { terminalId, serialNumber: '999S00000000', localAddress: '127.0.0.2' });
    this.impostors.push(impostor);
    return impostor;
  }

  private dial(box: Box, spec: TerminalSpec): TerminalHandle {
    return startTerminal({
      box: { host: box.listenAddress.host, port: box.listenAddress.port },
      terminalId: spec.terminalId,
      model: spec.model ?? 'lane5000',
      scenario: spec.scenario ?? 'approve',
      manualKeys: spec.manualKeys ?? false,
      language: 'en',
      stageDelayMs: spec.stageDelayMs ?? 20,
      reconnect: { initialMs: 100, maxMs: 500 },
      ...(spec.serialNumber !== undefined ? { serialNumber: spec.serialNumber } : {}),
      ...(spec.localAddress !== undefined ? { localAddress: spec.localAddress } : {}),
    });
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.terminals.values(), ...this.impostors].map((t) => t.close()));
    await Promise.allSettled(this.boxes.map((b) => b.close()));
    await this.server.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
