import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startFleet } from '../fleet.js';

/**
 * 1,000 emulated terminals in this process against a box in a child process:
 * keep-alives every second plus one transaction per terminal per second.
 * Measures this process's CPU (% of one core) and RSS over a window, in
 * several rounds, and prints and records the median of each figure.
 */
const TERMINALS = Number(process.env.BENCH_TERMINALS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_MS = 3000;
const WINDOW_MS = 6000;

interface Round {
  readyMs: number;
  cpuPercent: number;
  rssMb: number;
  txPerSecond: number;
}

function ask<T>(child: ChildProcess, command: string, key: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (message: Record<string, T>): void => {
      if (key in message) {
        child.off('message', listener);
        resolve(message[key]!);
      }
    };
    child.on('message', listener);
    if (command) child.send(command);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function round(port: number, box: ChildProcess, index: number): Promise<Round> {
  const started = performance.now();
  const fleet = startFleet({ box: { host: '127.0.0.1', port }, terminalId: String(40_000_000 + index * 100_000), count: TERMINALS, scenario: 'approve' });
  await fleet.ready();
  const readyMs = performance.now() - started;
  box.send('transact');
  await sleep(WARMUP_MS);
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const finalsBefore = await ask<number>(box, 'count', 'finals');
  await sleep(WINDOW_MS);
  const cpu = process.cpuUsage(cpuBefore);
  const wall = performance.now() - wallBefore;
  const finalsAfter = await ask<number>(box, 'count', 'finals');
  const rssMb = process.memoryUsage().rss / 1024 / 1024;
  box.send('idle');
  await fleet.close();
  await sleep(500);
  return {
    readyMs,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / wall) * 100,
    rssMb,
    txPerSecond: ((finalsAfter - finalsBefore) * 1000) / wall,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main(): Promise<void> {
  const box = fork(fileURLToPath(new URL('./box.js', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await ask<number>(box, '', 'port');
  const rounds: Round[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const r = await round(port, box, i);
    rounds.push(r);
    console.log(
      `round ${i + 1}: ${TERMINALS} terminals ready in ${r.readyMs.toFixed(0)} ms, CPU ${r.cpuPercent.toFixed(1)}% of one core, RSS ${r.rssMb.toFixed(0)} MB, ${r.txPerSecond.toFixed(0)} transactions/s`,
    );
  }
  box.send('stop');
  const load = `${TERMINALS} terminals, keep-alive 1 s, 1 tx/terminal/s`;
  const figures = [
    {
      name: `terminal process CPU, ${load}`,
      value: round1(median(rounds.map((r) => r.cpuPercent))),
      unit: '% of one core',
      target: '< 50% of one core',
      bound: 'frame encoding and socket writes, timers',
    },
    {
      name: `terminal process RSS, ${load}`,
      value: round1(median(rounds.map((r) => r.rssMb))),
      unit: 'MB',
      target: '< 150 MB',
      bound: 'Node baseline plus per-socket buffers',
    },
    { name: `transactions completed, ${load}`, value: round1(median(rounds.map((r) => r.txPerSecond))), unit: 'tx/s', reference: `${TERMINALS} tx/s offered` },
    { name: `fleet start, ${TERMINALS} terminals connected and greeted`, value: Math.round(median(rounds.map((r) => r.readyMs))), unit: 'ms' },
  ];
  for (const f of figures) console.log(`${f.name}: ${f.value} ${f.unit} (median of ${ROUNDS})`);
  const root = fileURLToPath(new URL('../../../../', import.meta.url));
  mkdirSync(`${root}test-output/bench`, { recursive: true });
  writeFileSync(
    `${root}test-output/bench/terminal-sim.json`,
    `${JSON.stringify({ package: 'terminal-sim', command: 'npm run bench -w @kassa/terminal-sim', figures }, null, 2)}\n`,
  );
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

void main();
