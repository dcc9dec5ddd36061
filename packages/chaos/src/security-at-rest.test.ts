import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDataAtRest } from './security-at-rest.js';
import type { Finding } from './verify.js';

describe('checkDataAtRest', () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });

  /** A data folder as a box leaves it: the folder, a journal folder, an identity and a journal file. */
  function dataFolder(): string {
    const root = mkdtempSync(join(tmpdir(), 'kassa-chaos-at-rest-'));
    roots.push(root);
    chmodSync(root, 0o700);
    mkdirSync(join(root, 'journal'), { mode: 0o700 });
    writeFileSync(join(root, 'box-id'), 'box', { mode: 0o600 });
    writeFileSync(join(root, 'journal', 'journal.log'), '{}\n', { mode: 0o600 });
    return root;
  }

  it('finds nothing in folders that are 0700 with files 0600, and counts what it walked', () => {
    const findings: Finding[] = [];
    const counts: Record<string, number> = {};
    checkDataAtRest([dataFolder(), dataFolder()], findings, counts);
    expect(findings).toEqual([]);
    expect(counts).toEqual({ 'security private folders checked': 4, 'security private files checked': 4 });
  });

  it('names every folder or file that others may read, and a data folder that is not there', () => {
    const root = dataFolder();
    chmodSync(join(root, 'journal'), 0o755);
    chmodSync(join(root, 'box-id'), 0o644);
    const findings: Finding[] = [];
    checkDataAtRest([root, join(root, 'missing')], findings, {});
    expect(findings.map((f) => f.detail)).toEqual([
      `${join(root, 'box-id')} is 0644, not 0600`,
      `${join(root, 'journal')} is 0755, not 0700`,
      `the data folder ${join(root, 'missing')} is not there`,
    ]);
  });

  it('leaves a symbolic link alone: its own bits mean nothing', () => {
    const root = dataFolder();
    symlinkSync(join(root, 'box-id'), join(root, 'link'));
    const findings: Finding[] = [];
    checkDataAtRest([root], findings, {});
    expect(findings).toEqual([]);
  });
});
