// The load generator of the bench, in a process of its own: BENCH_TERMINALS emulated terminals
// (`approve`, default stage delay) dialling the box. The payments are started by the stand-in
// server in the probe process; this process only plays the terminals.
import { startFleet } from '@kassa/terminal-sim';
import { serve } from './support.js';

let fleet;

serve({
  async start({ port, count }) {
    fleet = startFleet({ box: `127.0.0.1:${port}`, terminalId: '20000000', count, scenario: 'approve', reconnect: { initialMs: 200, maxMs: 2000 } });
    await fleet.ready();
    return { ids: fleet.terminals.map((t) => t.terminalId) };
  },
  async close() {
    await fleet?.close();
  },
});
