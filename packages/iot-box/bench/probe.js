// The measuring side of the bench, in a process of its own so the load generator's event loop is
// not in the figures: the stand-in server the box reports to (built from the contract: it
// timestamps every event on arrival, checks a sample of them against the contract, acknowledges in
// batches and starts the payments), and one emulated terminal paying back to back whose stage and
// result frames are timed to their events at the server. KeepAlive answers are timed by
// keepalive.js, a process that does nothing else.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WebSocketServer } from 'ws';
import { BOX_UPLINK_PATH, parseBoxToServer } from '@kassa/contract';
import { startTerminal } from '@kassa/terminal-sim';
import { percentiles, serve, TOKEN } from './support.js';

const PAYER = '30000001';
const VALIDATE_EVERY = 20;
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();

/** The server side of the uplink. Arrival is timestamped first; parsing waits for the end of the I/O pass. */
async function startServer(onEvent) {
  const http = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const state = { socket: undefined, invalid: 0, seen: 0, received: [] };
  http.on('upgrade', (request, socket, head) => {
    if (request.url !== BOX_UPLINK_PATH || request.headers.authorization !== `Bearer ${TOKEN}`) return socket.destroy();
    wss.handleUpgrade(request, socket, head, (ws) => {
      ws._socket.setNoDelay(true);
      state.socket = ws;
      let arrived = [];
      const handle = () => {
        const batch = arrived;
        arrived = [];
        const acks = [];
        for (const { data, at } of batch) {
          const text = String(data);
          let message;
          try {
            // Every message of the paying terminal, and one in VALIDATE_EVERY of the others, is
            // checked against the contract: checking them all would cost this process more than the box spends.
            message = ++state.seen % VALIDATE_EVERY === 0 || text.includes(PAYER) ? parseBoxToServer(text) : JSON.parse(text);
          } catch {
            state.invalid++;
            continue;
          }
          if (message.type === 'hello') ws.send(JSON.stringify({ type: 'welcome', version: 1, boxId: message.boxId, name: 'bench' }));
          if (message.type !== 'event') continue;
          onEvent(message.event, at);
          acks.push(message.id);
        }
        for (let i = 0; i < acks.length; i += 1000) ws.send(JSON.stringify({ type: 'ack', ids: acks.slice(i, i + 1000) }));
      };
      ws.on('message', (data) => {
        if (arrived.length === 0) setImmediate(handle);
        arrived.push({ data, at: performance.now() });
      });
    });
  });
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  let nextCommand = 1;
  return {
    url: `http://127.0.0.1:${http.address().port}`,
    state,
    start(terminalId, amountCents) {
      state.socket?.send(
        JSON.stringify({
          type: 'command',
          commandId: nextCommand++,
          command: { kind: 'startTransaction', paymentUuid: randomUUID(), terminalId, amountCents },
        }),
      );
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

// ---- the process's state, driven by the bench orchestrator (run.js)
let server;
let payer;
let driver;
const sentAt = new Map();
const stage = [];
const result = [];
let results = 0;
let refused = 0;
let payerResults = 0;
let paying = 0;
let onPayerDone;
let window = { at: 0, results: 0, refused: 0 };

function onEvent(event, at) {
  if (event.kind === 'commandRefused') refused++;
  if (event.kind === 'transactionResult') results++;
  if (event.terminalId !== PAYER) return;
  if (event.kind === 'transactionStage') {
    const t0 = sentAt.get(`s${event.stageId}`);
    if (t0 !== undefined) stage.push(at - t0);
    sentAt.delete(`s${event.stageId}`);
  } else if (event.kind === 'transactionResult') {
    const t0 = sentAt.get('r');
    if (t0 !== undefined) result.push(at - t0);
    sentAt.delete('r');
    payerResults++;
    if (paying > 0 && --paying === 0) onPayerDone?.();
    else if (paying !== 0) server.start(PAYER, 1000 + (payerResults % 100));
  }
}

serve({
  async server() {
    server = await startServer(onEvent);
    return { url: server.url };
  },
  async probe({ port, stageDelayMs }) {
    payer = startTerminal({ box: `127.0.0.1:${port}`, terminalId: PAYER, scenario: 'approve', stageDelayMs });
    payer.events.on('frame-out', ({ type, body }) => {
      if (type !== 'TransactionResponse') return;
      const now = performance.now();
      if (body.transactionStage !== undefined) sentAt.set(`s${body.transactionStage}`, now);
      if (body.transactionResult !== undefined) sentAt.set('r', now);
    });
    await payer.ready();
  },
  /** `count` payments back to back on the paying terminal (-1: until closed). */
  async pay({ count }) {
    paying = count;
    const done = count > 0 ? new Promise((resolve) => (onPayerDone = resolve)) : undefined;
    server.start(PAYER, 1000);
    await done;
  },
  /** Every fleet terminal gets `perSecond` payments per second, the starts spread evenly. */
  drive({ ids, perSecond }) {
    let cursor = 0;
    const tickMs = 10;
    const perTick = Math.max(1, Math.round((ids.length * perSecond * tickMs) / 1000));
    driver = setInterval(() => {
      for (let i = 0; i < perTick; i++) {
        server.start(ids[cursor], 100 + (cursor % 50));
        cursor = (cursor + 1) % ids.length;
      }
    }, tickMs);
  },
  reset() {
    stage.length = 0;
    result.length = 0;
    loopDelay.reset();
    window = { at: performance.now(), results, refused };
  },
  report() {
    const seconds = (performance.now() - window.at) / 1000;
    return {
      stage: percentiles(stage),
      result: percentiles(result),
      perSecond: (results - window.results) / seconds,
      refusedPerSecond: (refused - window.refused) / seconds,
      invalid: server.state.invalid,
      loopDelayP99: loopDelay.percentile(99) / 1e6,
    };
  },
  async close() {
    clearInterval(driver);
    paying = 0;
    await payer?.close();
    await server?.close();
  },
});
