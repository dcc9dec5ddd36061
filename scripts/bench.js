#!/usr/bin/env node
// npm run bench: runs every package's bench in order and collects the figures
// they write to test-output/bench/<pkg>.json into BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchArgs } from './bench-args.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const answer = benchArgs(process.argv.slice(2), JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')).version);
if (answer !== null) {
  if (answer.out !== undefined) process.stdout.write(`${answer.out}\n`);
  if (answer.err !== undefined) process.stderr.write(`${answer.err}\n`);
  process.exit(answer.exit);
}
const PACKAGES = ['protocol', 'contract', 'terminal-sim', 'iot-box', 'server', 'chaos'];
const RESULTS = `${ROOT}test-output/bench/`;
const OUTPUT = `${ROOT}BENCHMARKS.md`;
const COMMAND = 'npm run bench';
/** Chaos runs too long for a bench (the hour-long one) are kept as records and shown as they were. */
const CHAOS_RECORDS = `${ROOT}packages/chaos/records/`;
/** Runs of the live-event streams bench (`npm run bench:streams -w @kassa/server`, also run by the server's bench), kept as records. */
const STREAM_RECORDS = `${ROOT}packages/server/bench-records/`;

/** @typedef {{ name: string, value: number, unit: string, target?: string, reference?: string, bound?: string }} Figure */
/** @typedef {{ pkg: string, status: 'ok' | 'failed' | 'absent' | 'silent', exitCode?: number | null, command: string, figures: Figure[], seconds: number }} Outcome */

function hasBenchScript(pkg) {
  const file = `${ROOT}packages/${pkg}/package.json`;
  if (!existsSync(file)) return false;
  const json = JSON.parse(readFileSync(file, 'utf8'));
  return typeof json.scripts?.bench === 'string';
}

/** Result files written since `since` (ms), by the package they name. */
function freshResults(since) {
  if (!existsSync(RESULTS)) return new Map();
  const found = new Map();
  // A package may write more than one file (the server: server.json, server-streams.json): their
  // figures are shown together, under the command of <pkg>.json.
  const names = readdirSync(RESULTS)
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.replace(/\.json$/, ''))
    .sort()
    .map((base) => `${base}.json`);
  for (const name of names) {
    const path = `${RESULTS}${name}`;
    if (statSync(path).mtimeMs < since) continue;
    try {
      const json = JSON.parse(readFileSync(path, 'utf8'));
      const pkg = typeof json.package === 'string' ? json.package.replace(/^@kassa\//, '') : name.replace(/\.json$/, '');
      const before = found.get(pkg);
      found.set(pkg, before === undefined ? json : { ...before, figures: [...figuresOf(before), ...figuresOf(json)] });
    } catch (error) {
      process.stderr.write(`bench: ${path} is not JSON (${error.message}); ignored\n`);
    }
  }
  return found;
}

/** @returns {Figure[]} the figures of a result file that have the documented shape. */
function figuresOf(json) {
  if (!Array.isArray(json?.figures)) return [];
  return json.figures.filter((f) => typeof f?.name === 'string' && typeof f?.value === 'number' && typeof f?.unit === 'string');
}

/** @returns {Outcome} */
function runBench(pkg) {
  const command = `npm run bench -w @kassa/${pkg}`;
  if (!hasBenchScript(pkg)) {
    process.stdout.write(`\n== @kassa/${pkg}: no bench script\n`);
    return { pkg, status: 'absent', command, figures: [], seconds: 0 };
  }
  process.stdout.write(`\n== @kassa/${pkg}: ${command}\n`);
  // mtime resolution on some file systems is coarse: leave a second of slack.
  const started = Date.now();
  const result = spawnSync('npm', ['run', 'bench', '-w', `@kassa/${pkg}`, '--if-present'], { cwd: ROOT, stdio: 'inherit' });
  const seconds = (Date.now() - started) / 1000;
  if (result.status !== 0) {
    const why = result.error ? result.error.message : result.signal ? `signal ${result.signal}` : `exit code ${result.status}`;
    process.stderr.write(`bench: @kassa/${pkg} failed (${why})\n`);
    return { pkg, status: 'failed', exitCode: result.status, command, figures: [], seconds };
  }
  const json = freshResults(started - 1000).get(pkg);
  const figures = figuresOf(json);
  return { pkg, status: json ? 'ok' : 'silent', command: json?.command ?? command, figures, seconds };
}

function formatValue(figure) {
  const { value, unit } = figure;
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: 0 })} ${unit}`;
}

function cell(text) {
  return (text ?? '').toString().replace(/\|/g, '\\|').replace(/\n/g, ' ') || '—';
}

function reference(figure) {
  return figure.reference?.replace(/^deployed integration:?\s*/i, '');
}

function section(outcome) {
  const title = `## @kassa/${outcome.pkg}`;
  switch (outcome.status) {
    case 'absent':
      return `${title}\n\nNo bench script yet.\n`;
    case 'failed':
      return `${title}\n\n**FAILED**: \`${outcome.command}\` exited with ${outcome.exitCode ?? 'a signal'} after ${outcome.seconds.toFixed(0)} s; no figures.\n`;
    case 'silent':
      return `${title}\n\n\`${outcome.command}\` ran (${outcome.seconds.toFixed(0)} s) but wrote no \`test-output/bench/${outcome.pkg}.json\`.\n`;
    default: {
      const rows = outcome.figures.map((f) => `| ${cell(f.name)} | ${cell(formatValue(f))} | ${cell(f.target)} | ${cell(reference(f))} | ${cell(f.bound)} |`);
      return [
        title,
        '',
        `Command: \`${outcome.command}\` (${outcome.seconds.toFixed(0)} s)`,
        '',
        '| figure | median | target | deployed integration | what bounds it |',
        '|---|---|---|---|---|',
        ...(rows.length > 0 ? rows : ['| (no figures in the result file) | — | — | — | — |']),
        '',
      ].join('\n');
    }
  }
}

function machine() {
  const cpus = os.cpus();
  const model = cpus[0]?.model?.trim() || 'unknown CPU';
  const memory = `${Math.round(os.totalmem() / 2 ** 30)} GiB`;
  return `${model}, ${cpus.length} cores, ${memory} RAM, ${os.type()} ${os.release()} (${os.arch()}), Node ${process.version}`;
}

/** The chaos runs kept in packages/chaos/records/, newest first, as one section. */
function chaosRecords() {
  if (!existsSync(CHAOS_RECORDS)) return [];
  const records = readdirSync(CHAOS_RECORDS)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(`${CHAOS_RECORDS}${name}`, 'utf8')))
    .filter((r) => r?.kind === 'kassa-chaos-run')
    .sort((a, b) => String(b.finishedAt).localeCompare(String(a.finishedAt)));
  if (records.length === 0) return [];
  const lines = [
    '## Chaos runs on record',
    '',
    'Kept in `packages/chaos/records/` (each run writes its record to `test-output/chaos/`); not re-run by `npm run bench`.',
    '',
  ];
  for (const r of records) {
    lines.push(`### ${r.passed ? 'PASS' : 'FAIL'}: \`${r.command}\``, '');
    lines.push(
      `Finished ${r.finishedAt} on ${r.machine}; ${r.terminals} terminals; ${r.seconds.traffic} s of traffic and faults, ${r.seconds.settle} s to settle, ${r.seconds.total} s in all; ${r.findings} difference(s).`,
      '',
    );
    lines.push(
      `Faults: ${Object.entries(r.faults)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}.`,
      '',
    );
    lines.push('| count | value |', '|---|---|');
    for (const [name, value] of Object.entries(r.counts).sort(([a], [b]) => a.localeCompare(b))) lines.push(`| ${cell(name)} | ${cell(value)} |`);
    lines.push('');
  }
  return lines;
}

/** The live-event stream runs kept in packages/server/bench-records/, newest first, as one section. */
function streamRecords() {
  if (!existsSync(STREAM_RECORDS)) return [];
  const records = readdirSync(STREAM_RECORDS)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(`${STREAM_RECORDS}${name}`, 'utf8')))
    .filter((r) => r?.kind === 'kassa-streams-run')
    .sort((a, b) => String(b.finishedAt).localeCompare(String(a.finishedAt)));
  if (records.length === 0) return [];
  const lines = [
    '## Live event streams on record',
    '',
    'Runs of `npm run bench:streams -w @kassa/server` kept in `packages/server/bench-records/` (each run writes its record to `test-output/bench/server-streams.json`; `npm run bench` runs it too, and its figures are in the @kassa/server section above).',
    '',
  ];
  const dash = (value, unit = '') => (value === undefined || value === null ? '—' : `${value}${unit}`);
  const kib = (bytes) => (bytes === undefined || bytes === null ? '—' : `${(bytes / 1024).toFixed(1)} KiB`);
  for (const r of records) {
    lines.push(`### \`${r.command}\`, ${r.finishedAt}`, '');
    lines.push(`${r.machine}; load average ${r.loadAverage.join(', ')}; ${r.tills} tills; server idle RSS ${r.idleRssMiB} MiB.`, '');
    if (r.simulated) lines.push(`Payments: ${r.simulated}.`, '');
    lines.push(
      '| shape | streams (+ admin) | payments/s offered for (written) | events written | frames delivered (expected) | own stream: commit → delivered p50 / p95 / p99 / max | admin streams p99 | a stream a minute: cashier / admin | foreign events: total (most on one stream) | server CPU (one core) | server RSS peak |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const x of r.results) {
      const l = x.latencyMs;
      const bytes = x.bytesPerStreamPerMinute;
      const foreign = x.foreignEvents;
      lines.push(
        `| ${x.shape} | ${x.streams}${x.adminStreams ? ` (+ ${x.adminStreams})` : ''} | ${x.paymentsPerSecond} for ${x.seconds} s${x.paymentsWritten === undefined ? '' : ` (${x.paymentsWritten})`} | ${x.eventsWritten} | ${x.framesDelivered} (${x.framesExpected}) | ${l.p50} / ${l.p95} / ${l.p99} / ${l.max} ms | ${dash(x.adminLatencyMs?.p99, ' ms')} | ${bytes ? `${kib(bytes.cashier)} / ${kib(bytes.admin)}` : '—'} | ${foreign ? `${foreign.total} (${foreign.mostOnOneStream})` : '—'} | ${x.serverCpuPercent} % | ${x.serverRssMiB} MiB |`,
      );
    }
    lines.push('');
  }
  return lines;
}

const outcomes = PACKAGES.map(runBench);
const failed = outcomes.filter((o) => o.status === 'failed');
const markdown = [
  '# Benchmarks',
  '',
  `- Date: ${new Date().toISOString()}`,
  `- Machine: ${machine()}`,
  `- Load average when written: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(', ')} (the machine is shared; figures vary between runs)`,
  `- Command: \`${COMMAND}\` (builds, then runs each package's bench in order: ${PACKAGES.join(', ')})`,
  '',
  'Each figure is the median of several runs, as the package bench prints it; the live streams figures of @kassa/server are one run of each size.',
  '',
  ...outcomes.map(section),
  ...streamRecords(),
  ...chaosRecords(),
].join('\n');
writeFileSync(OUTPUT, markdown);
process.stdout.write(`\nwrote ${OUTPUT}\n`);
if (failed.length > 0) {
  process.stderr.write(`bench: failed: ${failed.map((o) => `@kassa/${o.pkg}`).join(', ')}\n`);
  process.exitCode = 1;
}
