// Helpers shared by the bench's processes.
import { readFileSync } from 'node:fs';
import { createServer as createTcpServer } from 'node:net';

export const TOKEN = 'bench-token-0001';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function percentiles(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN, n: sorted.length };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function freePort() {
  const server = createTcpServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** CPU seconds a process has used, from the kernel (user + system). */
export function cpuSecondsOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Peak resident set size of a process, from the kernel. */
export function peakRssMbOf(pid) {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/**
 * A child process of the bench, driven by messages: `request(type, fields)` sends one and resolves
 * with the child's answer of the same type.
 */
export function driven(child) {
  const waiting = new Map();
  child.on('message', (message) => {
    const resolve = waiting.get(message.type);
    if (!resolve) return;
    waiting.delete(message.type);
    resolve(message);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    pid: child.pid,
    next(type) {
      return new Promise((resolve, reject) => {
        waiting.set(type, resolve);
        void exited.then((code) => reject(new Error(`bench process ${child.pid} exited (${code}) before "${type}"`)));
      });
    },
    async request(type, fields = {}) {
      const answer = this.next(type);
      child.send({ type, ...fields });
      return answer;
    },
    async stop() {
      child.send({ type: 'exit' });
      await exited;
    },
  };
}

/** The child side of `driven`: each handler's result goes back under the request's type. */
export function serve(handlers) {
  process.on('message', (message) => {
    if (message.type === 'exit') {
      process.disconnect();
      setImmediate(() => process.exit(0));
      return;
    }
    Promise.resolve(handlers[message.type](message)).then(
      (answer) => process.send({ type: message.type, ...(answer ?? {}) }),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
