// The KeepAlive probe of the bench, in a process that does nothing else, so that its answers are
// read as soon as they arrive: a raw terminal sends KeepAliveRequest every `everyMs` and times each
// answer. It also times a bare echo process at the same cadence: the loopback round trip of this
// machine with no box in between, the floor under every figure the probe reads.
import { fork } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { encodeFrame, FrameDecoder, SequenceCounter } from '@kassa/protocol';
import { driven, percentiles, serve, sleep } from './support.js';

/** Sends a frame every `everyMs` (never two at once); `answered()` times the answer to the last one. */
function pinger(socket, everyMs, nextFrame) {
  const samples = [];
  let sentAt = 0;
  const timer = setInterval(() => {
    if (sentAt > 0) return;
    const frame = nextFrame();
    sentAt = performance.now();
    socket.write(frame);
  }, everyMs);
  return {
    samples,
    answered() {
      if (sentAt === 0) return;
      samples.push(performance.now() - sentAt);
      sentAt = 0;
    },
    stop() {
      clearInterval(timer);
      socket.destroy();
    },
  };
}

async function dial(port) {
  const socket = connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return socket;
}

async function startKeepAliveProbe(port, everyMs) {
  const socket = await dial(port);
  const sequence = new SequenceCounter();
  const header = () => ({ protocolId: '00000100', terminalId: 'PROBE001', sequenceNumber: sequence.next() });
  let probe;
  let helloDone;
  const hello = new Promise((resolve) => (helloDone = resolve));
  const decoder = new FrameDecoder({
    onMessage: (message) => {
      if (message.type === 'HelloResponse') helloDone();
      if (message.type === 'KeepAliveResponse') probe?.answered();
    },
    onError: () => socket.destroy(),
  });
  socket.on('data', (chunk) => decoder.push(chunk));
  socket.write(encodeFrame({ type: 'HelloRequest', header: header(), body: {} }));
  await hello;
  probe = pinger(socket, everyMs, () => encodeFrame({ type: 'KeepAliveRequest', header: header(), body: { keepAliveReason: 1 } }));
  return probe;
}

/** Round trips of a frame-sized message to a bare echo process, for `seconds`. */
async function echoFloor(everyMs, seconds) {
  const echo = driven(fork(fileURLToPath(import.meta.url), ['echo'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const { port } = await echo.request('listen');
  const socket = await dial(port);
  const frame = Buffer.alloc(61, 1);
  const probe = pinger(socket, everyMs, () => frame);
  let received = 0;
  socket.on('data', (chunk) => {
    received += chunk.length;
    if (received < frame.length) return;
    received -= frame.length;
    probe.answered();
  });
  await sleep(seconds * 1000);
  probe.stop();
  await echo.stop();
  return percentiles(probe.samples);
}

if (process.argv[2] === 'echo') {
  serve({
    async listen() {
      const server = createServer((socket) => {
        socket.setNoDelay(true);
        socket.on('data', (chunk) => socket.write(chunk));
      });
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      return { port: server.address().port };
    },
  });
} else {
  let keepAlive;
  serve({
    async probe({ port, everyMs }) {
      keepAlive = await startKeepAliveProbe(port, everyMs);
    },
    reset() {
      keepAlive.samples.length = 0;
    },
    report() {
      return { keepAlive: percentiles(keepAlive.samples) };
    },
    floor({ everyMs, seconds }) {
      return echoFloor(everyMs, seconds).then((floor) => ({ floor }));
    },
    close() {
      keepAlive?.stop();
    },
  });
}
