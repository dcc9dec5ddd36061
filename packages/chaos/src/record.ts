import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { ChaosOptions } from './args.js';
import type { ChaosReport } from './chaos.js';

/** What a finished run leaves behind for the record: enough to replay it and to compare runs. */
export interface ChaosRecord {
  readonly kind: 'kassa-chaos-run';
  readonly finishedAt: string;
  readonly command: string;
  readonly machine: string;
  readonly seed: number;
  readonly terminals: number;
  readonly passed: boolean;
  readonly seconds: ChaosReport['seconds'];
  readonly faults: ChaosReport['faults'];
  readonly counts: ChaosReport['counts'];
  readonly findings: number;
}

export function chaosRecord(options: Pick<ChaosOptions, 'seed' | 'durationS' | 'terminals'>, report: ChaosReport, finishedAt: Date): ChaosRecord {
  const cpus = os.cpus();
  return {
    kind: 'kassa-chaos-run',
    finishedAt: finishedAt.toISOString(),
    command: `npm run chaos -- --seed ${options.seed} --duration ${options.durationS}${options.terminals === 10 ? '' : ` --terminals ${options.terminals}`}`,
    machine: `${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    seed: report.seed,
    terminals: options.terminals,
    passed: report.ok,
    seconds: report.seconds,
    faults: report.faults,
    counts: report.counts,
    findings: report.findings.length,
  };
}

/** Writes the record as `<dir>/chaos-<seed>.json`; returns its path. */
export function writeChaosRecord(dir: string, record: ChaosRecord): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `chaos-${record.seed}.json`);
  writeFileSync(path, `${JSON.stringify(record, null, 2)}\n`);
  return path;
}
