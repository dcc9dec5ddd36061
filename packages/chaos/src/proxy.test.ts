import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LinkProxy } from './proxy.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A server that answers every chunk with its name and the chunk. */
async function named(name: string): Promise<{ port: number; server: Server }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (data) => socket.write(`${name}:${String(data)}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  closers.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port: typeof address === 'object' && address !== null ? address.port : 0, server };
}

/** Sends a line through the proxy: the answer, or 'closed' when the proxy hung up. */
function ask(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.once('data', (data) => {
      socket.destroy();
      resolve(String(data));
    });
    socket.once('close', () => resolve('closed'));
    socket.write(text);
  });
}

describe('LinkProxy', () => {
  it('relays to the servers in turn, drops everything while cut, and relays again once restored', async () => {
    const a = await named('a');
    const b = await named('b');
    const proxy = await LinkProxy.start([
      { host: '127.0.0.1', port: a.port },
      { host: '127.0.0.1', port: b.port },
    ]);
    closers.push(() => proxy.close());
    const answers = [await ask(proxy.port, 'x'), await ask(proxy.port, 'y')];
    expect(answers.sort()).toEqual(['a:x', 'b:y'].sort());
    proxy.cut();
    expect(await ask(proxy.port, 'z')).toBe('closed');
    proxy.restore();
    expect(await ask(proxy.port, 'w')).toMatch(/^[ab]:w$/);
    expect(proxy.cuts).toBe(1);
  });

  it('falls over to the next server when one refuses', async () => {
    const a = await named('a');
    const down = await named('down');
    const downPort = down.port;
    await closers.pop()!();
    const proxy = await LinkProxy.start([
      { host: '127.0.0.1', port: downPort },
      { host: '127.0.0.1', port: a.port },
    ]);
    closers.push(() => proxy.close());
    expect(await ask(proxy.port, 'x')).toBe('a:x');
    expect(await ask(proxy.port, 'y')).toBe('a:y');
  });
});
