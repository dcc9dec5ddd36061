import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from './verify.js';

/** The owner's only: what the server and the box make of their data folders (their `private-files.ts`). */
const PRIVATE_DIR_MODE = 0o700;
const PRIVATE_FILE_MODE = 0o600;

/** Every folder and file under `root`, with its permission bits; one that vanished while walked is left out. */
function walk(root: string): { path: string; dir: boolean; mode: number }[] {
  const found: { path: string; dir: boolean; mode: number }[] = [];
  const visit = (path: string): void => {
    let stat;
    try {
      stat = lstatSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    // A link's own bits mean nothing; what it points to is walked where it lies.
    if (stat.isSymbolicLink()) return;
    found.push({ path, dir: stat.isDirectory(), mode: stat.mode & 0o777 });
    if (stat.isDirectory()) for (const name of readdirSync(path).sort()) visit(join(path, name));
  };
  visit(root);
  return found;
}

/**
 * Data at rest: after the run's kills and restarts, each data folder of the run (the servers':
 * the demo secrets; the box's: its identity and journal) and every folder in it is 0700, every file
 * 0600, so no other account of the machine reads a secret, a journaled payment or a ticket.
 */
export function checkDataAtRest(dataDirs: readonly string[], findings: Finding[], counts: Record<string, number>): void {
  const rule = 'the data at rest is the owner’s only';
  let dirs = 0;
  let files = 0;
  for (const root of dataDirs) {
    const entries = walk(root);
    if (entries.length === 0) findings.push({ rule, detail: `the data folder ${root} is not there` });
    for (const entry of entries) {
      if (entry.dir) dirs++;
      else files++;
      const expected = entry.dir ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE;
      if (entry.mode !== expected)
        findings.push({ rule, detail: `${entry.path} is ${entry.mode.toString(8).padStart(4, '0')}, not ${expected.toString(8).padStart(4, '0')}` });
    }
  }
  counts['security private folders checked'] = dirs;
  counts['security private files checked'] = files;
}
