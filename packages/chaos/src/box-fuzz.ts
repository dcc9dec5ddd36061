import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTerminal, type TerminalHandle } from '@kassa/terminal-sim';
import { Neighbour } from './neighbour.js';
import { BOX_BIN, freePort, httpOk, ManagedProcess, sleep, waitUntil } from './processes.js';
import { Random } from './random.js';
import { UplinkStub } from './uplink-stub.js';

export interface BoxFuzzOptions {
  readonly frames: number;
  readonly connections: number;
  readonly terminals: number;
  readonly seed: number;
  /** Frames a junk connection writes before it hangs up and dials again. */
  readonly framesPerConnection?: number;
  readonly print?: (line: string) => void;
}

export interface BoxFuzzReport {
  readonly frames: number;
  readonly bytes: number;
  readonly junkConnections: number;
  readonly closedByBox: number;
  readonly seconds: number;
  readonly framesPerSecond: number;
  readonly rssStartMB: number;
  readonly rssMaxMB: number;
  readonly rssEndMB: number;
  /** Payments asked of the healthy terminals while the junk flowed. */
  readonly transactions: number;
  /** Of those, how many got no result, a wrong one, or differ from the terminal's ledger. */
  readonly lost: number;
  readonly boxAlive: boolean;
  readonly boxRestarts: number;
}

/** Resident memory of a process, from /proc (Linux), in MB. */
export function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match === null ? 0 : Math.round(Number(match[1]) / 102.4) / 10;
  } catch {
    return 0;
  }
}

const TOKEN = 'fuzz-box-token-0123456789';

/**
 * Port 9000 under fire: a box in its own process, healthy emulated terminals paying one payment
 * after another, and many junk connections writing mutated and random frames beside them.
 */
export async function fuzzBox(options: BoxFuzzOptions): Promise<BoxFuzzReport> {
  const print = options.print ?? ((): void => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'kassa-fuzz-box-'));
  const stub = await UplinkStub.start(TOKEN);
  const port = await freePort();
  const httpPort = await freePort();
  const box = new ManagedProcess({
    name: 'box',
    bin: BOX_BIN,
    args: ['--listen', `127.0.0.1:${port}`, '--http', `127.0.0.1:${httpPort}`, '--server', stub.url, '--data', join(dir, 'box'), '--log-level', 'error'],
    env: { KASSA_BOX_TOKEN: TOKEN },
    logFile: join(dir, 'box.log'),
    ready: () => httpOk(`http://127.0.0.1:${httpPort}/healthz`),
  });
  const terminals: TerminalHandle[] = [];
  let transactions = 0;
  let lost = 0;
  let paying = true;
  try {
    await box.start();
    await waitUntil('the box to link to the stub', () => stub.connected, 20_000);
    for (let i = 0; i < options.terminals; i++) {
      const terminal = startTerminal({
        box: { host: '127.0.0.1', port },
        terminalId: String(80_000_001 + i),
        scenario: 'approve',
        stageDelayMs: 2,
        seed: i + 1,
      });
      terminal.events.on('error', () => undefined);
      terminals.push(terminal);
    }
    await Promise.all(terminals.map((t) => t.ready()));
    await sleep(300);
    const pid = box.pid ?? 0;
    const rssStartMB = rssOf(pid);
    let rssMaxMB = rssStartMB;
    const sampler = setInterval(() => {
      rssMaxMB = Math.max(rssMaxMB, rssOf(pid));
    }, 250);

    const pay = async (terminal: TerminalHandle): Promise<void> => {
      let amountCents = 1000;
      while (paying) {
        const paymentUuid = randomUUID();
        amountCents = amountCents >= 9000 ? 1000 : amountCents + 7;
        transactions++;
        stub.command({ kind: 'startTransaction', paymentUuid, terminalId: terminal.terminalId, amountCents });
        const final = await Promise.race([stub.final(paymentUuid), sleep(30_000).then(() => null)]);
        if (final === null || final.kind !== 'transactionResult' || final.result !== 'Approved' || final.amountCents !== amountCents) {
          lost++;
          print(`terminal ${terminal.terminalId}: payment ${paymentUuid} ended ${JSON.stringify(final)}`);
        }
      }
    };
    const payers = terminals.map((t) => pay(t));

    const neighbour = new Neighbour({
      host: '127.0.0.1',
      port,
      connections: options.connections,
      framesPerConnection: options.framesPerConnection ?? 200,
      random: new Random(options.seed),
    });
    const started = performance.now();
    const progress = setInterval(
      () => print(`${neighbour.stats.frames} frames, ${neighbour.stats.connections} connections, box RSS ${rssOf(pid)} MB, ${transactions} payments`),
      5000,
    );
    neighbour.start(options.frames);
    await neighbour.finished;
    const seconds = (performance.now() - started) / 1000;
    clearInterval(progress);
    paying = false;
    await Promise.all(payers);
    clearInterval(sampler);
    const boxAlive = await httpOk(`http://127.0.0.1:${httpPort}/healthz`).catch(() => false);
    // Every approval a terminal made must have reached the uplink as the same result.
    const approvedOnWire = new Set<string>();
    for (const event of stub.events.values()) if (event.kind === 'transactionResult' && event.result === 'Approved') approvedOnWire.add(event.transactionId);
    for (const terminal of terminals) for (const entry of terminal.ledger) if (!approvedOnWire.has(entry.transactionId.toString())) lost++;
    return {
      frames: neighbour.stats.frames,
      bytes: neighbour.stats.bytes,
      junkConnections: neighbour.stats.connections,
      closedByBox: neighbour.stats.closedByBox,
      seconds: Math.round(seconds * 10) / 10,
      framesPerSecond: Math.round(neighbour.stats.frames / seconds),
      rssStartMB,
      rssMaxMB,
      rssEndMB: rssOf(pid),
      transactions,
      lost,
      boxAlive: boxAlive && box.unexpectedExits.length === 0,
      boxRestarts: box.unexpectedExits.length,
    };
  } finally {
    paying = false;
    await Promise.all(terminals.map((t) => t.close().catch(() => undefined)));
    await box.stop();
    await box.closeLog();
    await stub.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
