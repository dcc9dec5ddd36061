#!/usr/bin/env node
// `npm run bench -w @kassa/chaos`: the port 9000 fuzz, several rounds, medians written to
// test-output/bench/chaos.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fuzzBox, type BoxFuzzReport } from './box-fuzz.js';

const FRAMES = Number(process.env['BENCH_FRAMES'] ?? 300_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const reports: BoxFuzzReport[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const report = await fuzzBox({ frames: FRAMES, connections: 32, terminals: 8, seed: round + 1 });
  reports.push(report);
  console.log(
    `round ${round + 1}: ${report.frames} frames in ${report.seconds} s (${report.framesPerSecond}/s), box RSS ${report.rssStartMB} → max ${report.rssMaxMB} MB, ${report.transactions} payments, ${report.lost} lost, box up: ${report.boxAlive}`,
  );
}
const figures = [
  {
    name: `junk frames written to port 9000 (${FRAMES} per round, 32 connections)`,
    value: median(reports.map((r) => r.framesPerSecond)),
    unit: 'frames/s',
    target: '≥ 1,000,000 frames per run without the box going down',
    bound: 'one core shared by the fuzzer, 8 terminals and the box (its framing drops a connection at the first impossible length)',
  },
  {
    name: 'box RSS growth under junk',
    value: median(reports.map((r) => Math.round((r.rssMaxMB - r.rssStartMB) * 10) / 10)),
    unit: 'MB',
    target: '< 150 MB',
    bound: 'per-connection buffers, freed when the box drops the connection',
  },
  {
    name: 'payments of healthy terminals beside the junk',
    value: median(reports.map((r) => r.transactions)),
    unit: 'payments',
    target: 'every one answered',
    bound: 'the junk connections compete for the box event loop',
  },
  { name: 'payments lost beside the junk (worst round)', value: Math.max(...reports.map((r) => r.lost)), unit: 'payments', target: '0' },
];
for (const f of figures) console.log(`${f.name}: ${f.value} ${f.unit} (${f.name.startsWith('payments lost') ? 'worst' : 'median'} of ${ROUNDS})`);
const out = fileURLToPath(new URL('../../../test-output/bench/', import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(`${out}chaos.json`, `${JSON.stringify({ package: 'chaos', command: 'npm run bench -w @kassa/chaos', figures }, null, 2)}\n`);
console.log(`written ${out}chaos.json`);
