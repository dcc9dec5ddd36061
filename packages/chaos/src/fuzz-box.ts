#!/usr/bin/env node
// `npm run fuzz:box -w @kassa/chaos [-- --frames N --connections N --terminals N --seed N]`
import { fuzzBox } from './box-fuzz.js';
import { ChaosError, ChaosErrorCode } from './errors.js';
import { helpLines, readFlags, type Flags } from '@kassa/protocol';
import { CHAOS_VERSION } from './version.js';

const bad = (message: string): ChaosError => new ChaosError(ChaosErrorCode.BadFlag, message);
const whole = (text: string, name: string): number => {
  if (!/^[0-9]{1,9}$/.test(text)) throw bad(`${name} needs a whole number, got ${JSON.stringify(text)}`);
  return Number(text);
};

const FLAGS = {
  frames: { value: 'N', fallback: '1000000', parse: whole, help: 'junk frames to send' },
  connections: { value: 'N', fallback: '32', parse: whole, help: 'connections the junk arrives on' },
  terminals: { value: 'N', fallback: '8', parse: whole, help: 'paying terminals beside them' },
  seed: { value: 'N', fallback: '1', parse: whole, help: 'seed of the junk' },
} as const satisfies Flags;

let parsed;
try {
  parsed = readFlags(FLAGS, process.argv.slice(2), {}, bad);
} catch (error) {
  if (!(error instanceof ChaosError)) throw error;
  console.error(`fuzz:box: ${error.code}: ${error.message}`);
  process.exit(2);
}
if (parsed.kind !== 'run') {
  console.log(
    parsed.kind === 'help' ? ['Usage: npm run fuzz:box -w @kassa/chaos [-- options]', '', ...helpLines(FLAGS)].join('\n') : `fuzz:box ${CHAOS_VERSION}`,
  );
  process.exit(0);
}
const options = parsed.values;
console.log(
  `fuzz:box: ${options.frames} junk frames from ${options.connections} connections beside ${options.terminals} paying terminals (seed ${options.seed})`,
);
const report = await fuzzBox({ ...options, print: (line) => console.log(`  ${line}`) });
console.log(JSON.stringify(report, null, 2));
const ok = report.boxAlive && report.lost === 0;
console.log(ok ? 'fuzz:box: PASS' : 'fuzz:box: FAIL');
process.exit(ok ? 0 : 1);
