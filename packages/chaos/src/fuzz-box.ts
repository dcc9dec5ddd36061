#!/usr/bin/env node
// `npm run fuzz:box -w @kassa/chaos [-- --frames N --connections N --terminals N --seed N]`
import { fuzzBox } from './box-fuzz.js';

function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  if (index < 0) return fallback;
  const text = process.argv[index + 1] ?? '';
  if (!/^[0-9]{1,9}$/.test(text)) {
    console.error(`fuzz:box: ${name} needs a whole number, got ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return Number(text);
}

const options = { frames: flag('--frames', 1_000_000), connections: flag('--connections', 32), terminals: flag('--terminals', 8), seed: flag('--seed', 1) };
console.log(`fuzz:box: ${options.frames} junk frames from ${options.connections} connections beside ${options.terminals} paying terminals (seed ${options.seed})`);
const report = await fuzzBox({ ...options, print: (line) => console.log(`  ${line}`) });
console.log(JSON.stringify(report, null, 2));
const ok = report.boxAlive && report.lost === 0;
console.log(ok ? 'fuzz:box: PASS' : 'fuzz:box: FAIL');
process.exit(ok ? 0 : 1);
