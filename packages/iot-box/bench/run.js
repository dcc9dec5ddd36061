// Box latency and memory with emulated terminals on loopback: `npm run bench -w @kassa/iot-box`.
// The box runs as its own process (as deployed); the terminals, the probe and a stand-in server
// built from the contract run in this one. Each figure is the median of BENCH_RUNS runs (default 3).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { BOX_UPLINK_PATH, parseBoxToServer } from '@kassa/contract';
import { encodeFrame, FrameDecoder, SequenceCounter } from '@kassa/protocol';
import { startFleet, startTerminal } from '@kassa/terminal-sim';
import { Journal } from '../dist/journal/journal.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const FLEET = Number(process.env.BENCH_TERMINALS ?? 1000);
const FLEET_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const TOKEN = 'bench-token-0001';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function percentiles(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN, n: sorted.length };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function freePort() {
  const server = createTcpServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The server side of the uplink: welcome, ack in batches, and the arrival time of each event. */
async function startServer() {
  const http = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });
  const state = { socket: undefined, onEvent: () => undefined, invalid: 0 };
  http.on('upgrade', (request, socket, head) => {
    if (request.url !== BOX_UPLINK_PATH || request.headers.authorization !== `Bearer ${TOKEN}`) return socket.destroy();
    wss.handleUpgrade(request, socket, head, (ws) => {
      state.socket = ws;
      let pendingAcks = [];
      ws.on('message', (data) => {
        const at = performance.now();
        let message;
        try {
          message = parseBoxToServer(String(data));
        } catch {
          state.invalid++;
          return;
        }
        if (message.type === 'hello') ws.send(JSON.stringify({ type: 'welcome', version: 1, boxId: message.boxId, name: 'bench' }));
        if (message.type !== 'event') return;
        state.onEvent(message.event, at);
        if (pendingAcks.length === 0) {
          setImmediate(() => {
            ws.send(JSON.stringify({ type: 'ack', ids: pendingAcks }));
            pendingAcks = [];
          });
        }
        pendingAcks.push(message.id);
      });
    });
  });
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  let nextCommand = 1;
  return {
    url: `http://127.0.0.1:${http.address().port}`,
    state,
    start(terminalId, amountCents) {
      state.socket?.send(JSON.stringify({ type: 'command', commandId: nextCommand++, command: { kind: 'startTransaction', paymentUuid: randomUUID(), terminalId, amountCents } }));
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

async function startBoxProcess(serverUrl) {
  const dataDir = mkdtempSync(join(tmpdir(), 'kassa-iotbox-bench-'));
  const port = await freePort();
  const httpPort = await freePort();
  const nodeArgs = process.env.BENCH_BOX_NODE_ARGS ? process.env.BENCH_BOX_NODE_ARGS.split(' ') : [];
  const child = spawn(process.execPath, [...nodeArgs, cli, '--listen', `127.0.0.1:${port}`, '--http', `127.0.0.1:${httpPort}`, '--server', serverUrl, '--token', TOKEN, '--data', dataDir], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${httpPort}/healthz`)).ok) break;
    } catch {
      if (i > 200) throw new Error('the box did not start');
    }
    await sleep(50);
  }
  return {
    port,
    pid: child.pid,
    status: async () => (await fetch(`http://127.0.0.1:${httpPort}/status`)).json(),
    /** CPU seconds the box process has used, from the kernel (user + system). */
    cpuSeconds() {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    /** Peak resident set size of the box process, from the kernel. */
    peakRssMb() {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return match ? Number(match[1]) / 1024 : NaN;
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A raw terminal that sends KeepAliveRequest every `everyMs` and times each answer. */
async function startProbe(port, everyMs) {
  const socket = connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const sequence = new SequenceCounter();
  const header = () => ({ protocolId: '00000100', terminalId: 'PROBE001', sequenceNumber: sequence.next() });
  const samples = [];
  let sentAt = 0;
  let helloDone;
  const hello = new Promise((resolve) => (helloDone = resolve));
  const decoder = new FrameDecoder({
    onMessage: (message) => {
      if (message.type === 'HelloResponse') helloDone();
      if (message.type === 'KeepAliveResponse' && sentAt > 0) {
        samples.push(performance.now() - sentAt);
        sentAt = 0;
      }
    },
    onError: () => socket.destroy(),
  });
  socket.on('data', (chunk) => decoder.push(chunk));
  socket.write(encodeFrame({ type: 'HelloRequest', header: header(), body: {} }));
  await hello;
  const timer = setInterval(() => {
    if (sentAt > 0) return;
    sentAt = performance.now();
    socket.write(encodeFrame({ type: 'KeepAliveRequest', header: header(), body: { keepAliveReason: 1 } }));
  }, everyMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      socket.destroy();
    },
  };
}

/** Times each terminal frame from the moment the emulator wrote it to the moment its event reached the server. */
function latencyTracker(server) {
  const sentAt = new Map();
  const stage = [];
  const result = [];
  let results = 0;
  let refused = 0;
  server.state.onEvent = (event, at) => {
    if (event.kind === 'transactionStage') {
      const key = `${event.terminalId}|s${event.stageId}`;
      const t0 = sentAt.get(key);
      if (t0 !== undefined) {
        stage.push(at - t0);
        sentAt.delete(key);
      }
    } else if (event.kind === 'commandRefused') {
      refused++;
    } else if (event.kind === 'transactionResult') {
      results++;
      const key = `${event.terminalId}|r`;
      const t0 = sentAt.get(key);
      if (t0 !== undefined) {
        result.push(at - t0);
        sentAt.delete(key);
      }
      tracker.onResult(event.terminalId);
    }
  };
  const tracker = {
    stage,
    result,
    get results() {
      return results;
    },
    get refused() {
      return refused;
    },
    onResult: () => undefined,
    watch(terminal) {
      terminal.events.on('frame-out', ({ type, body }) => {
        if (type !== 'TransactionResponse') return;
        const now = performance.now();
        if (body.transactionStage !== undefined) sentAt.set(`${terminal.terminalId}|s${body.transactionStage}`, now);
        if (body.transactionResult !== undefined) sentAt.set(`${terminal.terminalId}|r`, now);
      });
    },
    reset() {
      stage.length = 0;
      result.length = 0;
    },
  };
  return tracker;
}

async function oneTerminalRun() {
  const server = await startServer();
  const box = await startBoxProcess(server.url);
  const tracker = latencyTracker(server);
  const terminal = startTerminal({ box: `127.0.0.1:${box.port}`, terminalId: '10000001', scenario: 'approve', stageDelayMs: 2 });
  tracker.watch(terminal);
  await terminal.ready();
  await sleep(200);
  const probe = await startProbe(box.port, 10);
  const transactions = 300;
  await new Promise((resolve) => {
    tracker.onResult = () => (tracker.results >= transactions ? resolve() : server.start('10000001', 1000 + tracker.results));
    server.start('10000001', 1000);
  });
  probe.stop();
  await terminal.close();
  await box.stop();
  await server.close();
  return { keepAlive: percentiles(probe.samples), stage: percentiles(tracker.stage), result: percentiles(tracker.result) };
}

async function fleetRun() {
  const server = await startServer();
  const box = await startBoxProcess(server.url);
  const tracker = latencyTracker(server);
  const fleet = startFleet({ box: `127.0.0.1:${box.port}`, terminalId: '20000000', count: FLEET, scenario: 'approve', reconnect: { initialMs: 200, maxMs: 2000 } });
  for (const terminal of fleet.terminals) tracker.watch(terminal);
  await fleet.ready();
  for (let i = 0; i < 100; i++) {
    const status = await box.status();
    if (status.terminals.filter((t) => t.online).length === FLEET) break;
    await sleep(100);
  }
  const probe = await startProbe(box.port, 20);
  // Every terminal gets one payment per second, the starts spread evenly over the second.
  const ids = fleet.terminals.map((t) => t.terminalId);
  let cursor = 0;
  const tickMs = 10;
  const perTick = Math.max(1, Math.round((FLEET * tickMs) / 1000));
  const driver = setInterval(() => {
    for (let i = 0; i < perTick; i++) {
      server.start(ids[cursor], 100 + (cursor % 50));
      cursor = (cursor + 1) % ids.length;
    }
  }, tickMs);
  await sleep(2000);
  tracker.reset();
  probe.samples.length = 0;
  const before = tracker.results;
  const refusedBefore = tracker.refused;
  const loadBefore = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  const statusBefore = await box.status();
  const cpuBefore = box.cpuSeconds();
  const ownCpuBefore = process.cpuUsage();
  const started = performance.now();
  await sleep(FLEET_SECONDS * 1000);
  const seconds = (performance.now() - started) / 1000;
  const perSecond = (tracker.results - before) / seconds;
  const refusedPerSecond = (tracker.refused - refusedBefore) / seconds;
  const load = (Number(loadBefore) + Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0])) / 2;
  const statusAfter = await box.status();
  const boxCpu = (box.cpuSeconds() - cpuBefore) / seconds;
  const own = process.cpuUsage(ownCpuBefore);
  const loadCpu = (own.user + own.system) / 1e6 / seconds;
  process.stderr.write(`box CPU ${(boxCpu * 100).toFixed(0)}%, load generator CPU ${(loadCpu * 100).toFixed(0)}%\n`);
  clearInterval(driver);
  const rss = box.peakRssMb();
  const recordsPerSync = (statusAfter.journal.records - statusBefore.journal.records) / Math.max(1, statusAfter.journal.syncs - statusBefore.journal.syncs);
  probe.stop();
  await fleet.close();
  await box.stop();
  await server.close();
  return { keepAlive: percentiles(probe.samples), stage: percentiles(tracker.stage), result: percentiles(tracker.result), perSecond, rss, recordsPerSync, boxCpu, loadCpu, refusedPerSecond, load, loopDelayP99: statusAfter.eventLoopDelayMs.p99, compactionMs: statusAfter.journal.lastCompactionMs, invalid: server.state.invalid };
}

/** The cost of durability alone: one record appended and fdatasync'ed at a time, then a burst under group commit. */
async function journalRun() {
  const dir = mkdtempSync(join(tmpdir(), 'kassa-iotbox-journal-'));
  const { journal } = Journal.open(dir);
  const record = { k: 'event', id: '1:1', at: new Date().toISOString(), event: { kind: 'transactionStage', paymentUuid: randomUUID(), terminalId: 'T1', stage: 'WaitingForCard', stageId: 1 } };
  const single = [];
  for (let i = 0; i < 300; i++) {
    const t0 = performance.now();
    await journal.append(record);
    single.push(performance.now() - t0);
  }
  const burst = 20_000;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: burst }, () => journal.append(record)));
  const perSecond = burst / ((performance.now() - t0) / 1000);
  await journal.close();
  rmSync(dir, { recursive: true, force: true });
  return { single: percentiles(single), perSecond };
}

const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

async function main() {
  const one = [];
  const many = [];
  const journal = [];
  for (let run = 1; run <= RUNS; run++) {
    journal.push(await journalRun());
    one.push(await oneTerminalRun());
    many.push(await fleetRun());
    process.stderr.write(`run ${run}/${RUNS} done\n`);
  }
  const m = (runs, pick, digits = 2) => round(median(runs.map(pick)), digits);
  const figures = [];
  const add = (name, value, unit, extra = {}) => figures.push({ name, value, unit, ...extra });
  const triple = (label, runs, key, extra) => {
    add(`${label} p50`, m(runs, (r) => r[key].p50), 'ms', extra.p50 ?? {});
    add(`${label} p99`, m(runs, (r) => r[key].p99), 'ms', extra.p99 ?? {});
    add(`${label} max`, m(runs, (r) => r[key].max), 'ms', extra.max ?? {});
  };
  const loop = 'loopback round trip, both event loops on a shared 2-core machine';
  triple('1 terminal: KeepAlive answered (request out → response in)', one, 'keepAlive', {
    p50: { reference: 'deployed integration: median 141 ms', bound: loop },
    p99: { target: '< 2 ms', bound: loop },
    max: { reference: 'deployed integration: max 0.9 s' },
  });
  triple('1 terminal: stage frame → transactionStage event at the server', one, 'stage', {
    p50: { reference: 'deployed integration: a stage reaches the POS after a median 88 ms' },
    p99: { target: '< 2 ms', bound: 'terminal emulator, box, WebSocket and server parse on loopback' },
  });
  triple('1 terminal: final frame → transactionResult event at the server (journaled first)', one, 'result', { p50: { bound: 'one write + fdatasync of the journal before the event leaves' } });
  triple(`${FLEET} terminals, 1 payment/s each: KeepAlive answered`, many, 'keepAlive', { p99: { target: '< 20 ms', bound: 'the load generator shares the 2 cores with the box' } });
  triple(`${FLEET} terminals, 1 payment/s each: stage frame → event at the server`, many, 'stage', {
    p99: { target: '< 20 ms', bound: 'the load generator shares the 2 cores with the box' },
  });
  triple(`${FLEET} terminals, 1 payment/s each: final frame → result at the server`, many, 'result', { p99: { bound: 'fdatasync under group commit' } });
  add(`${FLEET} terminals: payments settled per second`, m(many, (r) => r.perSecond), 'payments/s', { target: `${FLEET} payments/s offered`, reference: 'deployed integration: one terminal per port' });
  add(`${FLEET} terminals: starts refused because the terminal was still busy`, m(many, (r) => r.refusedPerSecond), 'commands/s', { bound: 'a payment that takes longer than 1 s on a starved machine' });
  add(`${FLEET} terminals: machine load average during the run (2 cores, shared)`, m(many, (r) => r.load), 'runnable tasks');
  add(`${FLEET} terminals: pause of the last journal compaction while running`, m(many, (r) => r.compactionMs), 'ms', { bound: 'reads and rewrites a 32 MiB journal' });
  add(`${FLEET} terminals: box peak RSS`, m(many, (r) => r.rss), 'MB', { target: '< 200 MB' });
  add(`${FLEET} terminals: journal records per fdatasync (group commit)`, m(many, (r) => r.recordsPerSync), 'records/sync');
  add('journal: one record appended and fdatasync\'ed, p50', m(journal, (r) => r.single.p50), 'ms', { bound: 'disk flush latency' });
  add('journal: one record appended and fdatasync\'ed, p99', m(journal, (r) => r.single.p99), 'ms', { bound: 'disk flush latency' });
  add('journal: durable records per second under group commit', Math.round(median(journal.map((r) => r.perSecond))), 'records/s');
  add(`${FLEET} terminals: box event-loop delay p99 (its own measure, since start)`, m(many, (r) => r.loopDelayP99), 'ms', {
    bound: 'time the box had work ready but did not run: its own load plus the machine\'s',
  });
  add(`${FLEET} terminals: box CPU (share of one core)`, m(many, (r) => r.boxCpu * 100), '%');
  add(`${FLEET} terminals: box CPU time per settled payment (all its frames and events)`, m(many, (r) => (r.boxCpu * 1000) / r.perSecond, 3), 'ms', {
    bound: 'contract validation and JSON of ~13 events, ~15 frames and their socket writes per payment',
  });
  add(`${FLEET} terminals: load generator CPU (emulators, probe, server; share of one core)`, m(many, (r) => r.loadCpu * 100), '%');
  const invalid = many.reduce((sum, r) => sum + r.invalid, 0);
  if (invalid > 0) throw new Error(`${invalid} box messages did not match the contract`);

  for (const f of figures) console.log(`${f.name}: ${f.value} ${f.unit}${f.target ? ` (target ${f.target})` : ''}`);
  const outDir = join(repoRoot, 'test-output', 'bench');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'iot-box.json'), JSON.stringify({ package: 'iot-box', command: 'npm run bench -w @kassa/iot-box', figures }, null, 2) + '\n');
  console.log(`wrote ${join(outDir, 'iot-box.json')}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
