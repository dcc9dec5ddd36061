#!/usr/bin/env node
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseChaosArgs, USAGE } from './args.js';
import { runChaos } from './chaos.js';
import { ChaosError } from './errors.js';
import { chaosRecord, writeChaosRecord } from './record.js';
import { CHAOS_VERSION } from './version.js';

/** Where each run's record goes; a long run's record is kept in packages/chaos/records/ for the report. */
const RECORDS = fileURLToPath(new URL('../../../test-output/chaos/', import.meta.url));

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseChaosArgs(process.argv.slice(2), process.env, () => randomInt(0, 2 ** 31));
  } catch (error) {
    if (error instanceof ChaosError) {
      console.error(`chaos: ${error.code}: ${error.message}`);
      return 2;
    }
    throw error;
  }
  if (parsed.kind === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (parsed.kind === 'version') {
    console.log(`chaos ${CHAOS_VERSION}`);
    return 0;
  }
  const { options } = parsed;
  console.log(`chaos: seed ${options.seed} (replay with: npm run chaos -- --seed ${options.seed} --duration ${options.durationS})`);
  const report = await runChaos(options, (line) => console.log(line));
  console.log('');
  console.log(
    `chaos: seed ${report.seed}, ${report.seconds.traffic} s of traffic and faults, ${report.seconds.settle} s to settle, ${report.seconds.total} s in all`,
  );
  console.log(
    `faults: ${Object.entries(report.faults)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  for (const [name, value] of Object.entries(report.counts).sort(([a], [b]) => a.localeCompare(b))) console.log(`  ${name.padEnd(44)} ${value}`);
  const recorded = writeChaosRecord(RECORDS, chaosRecord(options, report, new Date()));
  console.log(`chaos: the run's record is in ${recorded}`);
  if (report.ok) {
    console.log(`chaos: PASS (seed ${report.seed}): every approved transaction is exactly one done payment; nothing lost, nothing doubled`);
    return 0;
  }
  console.log(`chaos: FAIL (seed ${report.seed}): ${report.findings.length} difference(s)`);
  for (const finding of report.findings.slice(0, 50)) {
    console.log(
      `  - [${finding.rule}]${finding.payment ? ` payment ${finding.payment}` : ''}${finding.order ? ` order ${finding.order}` : ''}: ${finding.detail}`,
    );
  }
  if (report.findings.length > 50) console.log(`  … and ${report.findings.length - 50} more`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
