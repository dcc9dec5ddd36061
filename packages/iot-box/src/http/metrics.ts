import { statSync } from 'node:fs';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { BoxStatus } from './status.js';

const UPLINK_STATES: readonly BoxStatus['server']['state'][] = ['none', 'connecting', 'open', 'ready', 'waiting', 'stopped'];

let processRegistry: Registry | null = null;

/** CPU, memory, event-loop delay and GC of the process, collected once however many boxes it runs. */
function processMetrics(): Registry {
  if (processRegistry === null) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: 'kassa_box_' });
  }
  return processRegistry;
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * The box's metrics, read from its status at scrape time: nothing is counted on the terminal or
 * uplink paths for them.
 */
export function boxMetrics(status: () => BoxStatus): () => Promise<{ contentType: string; body: string }> {
  const registry = new Registry();
  const registers = [registry];
  new Gauge({
    name: 'kassa_box_journal_bytes',
    help: 'Size of the journal file.',
    registers,
    collect() {
      this.set(fileSize(status().journal.path));
    },
  });
  new Gauge({
    name: 'kassa_box_journal_records',
    help: 'Records in the journal since its last compaction.',
    registers,
    collect() {
      this.set(status().journal.records);
    },
  });
  new Counter({
    name: 'kassa_box_journal_compactions_total',
    help: 'Journal compactions since the box started.',
    registers,
    collect() {
      this.reset();
      this.inc(status().journal.compactions);
    },
  });
  new Gauge({
    name: 'kassa_box_uplink_state',
    help: 'The server link: 1 for its current state (none: no server configured).',
    labelNames: ['state'],
    registers,
    collect() {
      const current = status().server.state;
      for (const state of UPLINK_STATES) this.set({ state }, state === current ? 1 : 0);
    },
  });
  new Gauge({
    name: 'kassa_box_uplink_pending_events',
    help: 'Events waiting for the server to acknowledge them.',
    registers,
    collect() {
      this.set(status().server.pendingEvents);
    },
  });
  new Gauge({
    name: 'kassa_box_terminals',
    help: 'Terminals the box knows, by whether they are connected.',
    labelNames: ['online'],
    registers,
    collect() {
      const terminals = status().terminals;
      const online = terminals.filter((t) => t.online).length;
      this.set({ online: 'true' }, online);
      this.set({ online: 'false' }, terminals.length - online);
    },
  });
  return async () => {
    const merged = Registry.merge([processMetrics(), registry]);
    return { contentType: merged.contentType, body: await merged.metrics() };
  };
}
