import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChaosReport } from './chaos.js';
import { chaosRecord, writeChaosRecord } from './record.js';

const report: ChaosReport = {
  seed: 42,
  ok: true,
  seconds: { traffic: 3600, settle: 61, total: 3675 },
  counts: { 'approved by a terminal': 2000, 'done payments': 2000 },
  faults: { 'kill box': 12 },
  findings: [],
  runDir: '/tmp/x',
};

describe('the record of a chaos run', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('names the command that replays it and keeps every count and fault', () => {
    const record = chaosRecord({ seed: 42, durationS: 3600, terminals: 10 }, report, new Date('2026-11-25T13:30:00Z'));
    expect(record).toMatchObject({
      kind: 'kassa-chaos-run',
      finishedAt: '2026-11-25T13:30:00.000Z',
      command: 'npm run chaos -- --seed 42 --duration 3600',
      seed: 42,
      passed: true,
      findings: 0,
      counts: report.counts,
      faults: report.faults,
    });
    expect(record.machine).toMatch(/^\d+ cores, \d+ GiB, Node v\d+/);
  });

  it('names a run with other than ten terminals with its flag', () => {
    expect(chaosRecord({ seed: 1, durationS: 90, terminals: 20 }, report, new Date()).command).toBe('npm run chaos -- --seed 1 --duration 90 --terminals 20');
  });

  it('is written as JSON under the seed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kassa-chaos-record-'));
    dirs.push(dir);
    const path = writeChaosRecord(
      dir,
      chaosRecord({ seed: 7, durationS: 90, terminals: 10 }, { ...report, seed: 7, ok: false, findings: [{ rule: 'r', detail: 'd' }] }, new Date()),
    );
    expect(path).toBe(join(dir, 'chaos-7.json'));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ seed: 7, passed: false, findings: 1 });
  });
});
