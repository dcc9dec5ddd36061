// A child process for the crash test: appends records as fast as the disk allows, with a tiny
// compaction limit so the journal is compacted all the time, and prints each durable record.
import { Journal } from '../dist/journal/journal.js';

const [dataDir] = process.argv.slice(2);
const { journal, state } = Journal.open(dataDir, { compactAtBytes: 2048 });
const base = state.boot * 100_000;
const uuid = '6f1c2b8e-2a4b-4c1d-9e0f-0a1b2c3d4e5f';
const at = new Date().toISOString();

// Every command comes with an event; every event but each hundredth is acknowledged at once.
for (let n = 1; ; n++) {
  const id = `${state.boot}:${n}`;
  journal.write({ k: 'event', id, at, event: { kind: 'transactionStage', paymentUuid: uuid, terminalId: 'T1', stage: 'WaitingForCard', stageId: 1 } });
  if (n % 100 !== 0) journal.write({ k: 'ack', ids: [id] });
  const commandId = base + n;
  await journal.append({ k: 'command', commandId });
  process.stdout.write(`durable ${commandId} ${id} ${journal.stats.compactions}\n`);
}
