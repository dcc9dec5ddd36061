import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Journal } from '../src/journal/journal.js';
import { KEEP_COMMAND_IDS } from '../src/journal/state.js';
import { buildBox } from '../src/test-support/child-box.js';
import { removeDir, tempDir } from '../src/test-support/harness.js';

const WRITER = fileURLToPath(new URL('./journal-writer.mjs', import.meta.url));
const dirs: string[] = [];

beforeAll(() => buildBox(), 120_000);

afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

interface Durable {
  readonly commandId: number;
  readonly eventId: string;
  readonly compactions: number;
}

/** Runs the writer until it has compacted a few times, then kills it with SIGKILL after a random moment. */
async function runAndKill(dataDir: string, seed: number): Promise<Durable[]> {
  const child = spawn(process.execPath, [WRITER, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const durable: Durable[] = [];
  let buffered = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const [, commandId, eventId, compactions] = line.split(' ');
        durable.push({ commandId: Number(commandId), eventId: eventId!, compactions: Number(compactions) });
      }
      if ((durable.at(-1)?.compactions ?? 0) >= 2) resolve();
    });
    void exited.then(() => resolve());
  });
  // Somewhere in the next compactions: a write, a sync, a rename, between them.
  await new Promise((resolve) => setTimeout(resolve, 5 + ((seed * 37) % 60)));
  child.kill('SIGKILL');
  await exited;
  return durable;
}

describe('journal compaction killed with SIGKILL at a random moment', () => {
  it('always opens to a state that holds every record it had called durable', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    let boot = 0;
    for (let round = 1; round <= 4; round++) {
      const durable = await runAndKill(dataDir, round);
      expect(durable.at(-1)?.compactions ?? 0).toBeGreaterThanOrEqual(2);
      const { journal, state } = Journal.open(dataDir);
      await journal.close();
      expect(state.boot).toBeGreaterThan(boot);
      boot = state.boot;
      // The journal keeps the last KEEP_COMMAND_IDS command ids (older ones are history it drops).
      const missing = durable.slice(-KEEP_COMMAND_IDS).filter((d) => !state.commands.has(d.commandId));
      expect(missing).toEqual([]);
      // Every hundredth event was never acknowledged: each durable one is still waiting to be sent.
      const unacknowledged = durable.filter((d) => Number(d.eventId.split(':')[1]) % 100 === 0);
      expect(unacknowledged.filter((d) => !state.events.has(d.eventId))).toEqual([]);
      expect(readdirSync(dataDir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    }
  }, 120_000);
});
