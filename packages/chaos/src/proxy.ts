import { connect, createServer, type Server, type Socket } from 'node:net';

export interface ProxyTarget {
  readonly host: string;
  readonly port: number;
}

/**
 * The line between the box and the servers: a TCP relay that can be cut (every open connection
 * dropped, new ones closed at once) and restored. Each new connection goes to the next target
 * in turn and falls over to the others when one refuses, as a load balancer in front of several
 * server processes would.
 */
export class LinkProxy {
  readonly #server: Server;
  readonly #pairs = new Set<[Socket, Socket]>();
  #cut = false;
  #next = 0;
  cuts = 0;
  connections = 0;

  port = 0;

  private constructor(targets: readonly ProxyTarget[]) {
    this.#server = createServer((client) => this.accept(client, targets));
  }

  static async start(targets: readonly ProxyTarget[]): Promise<LinkProxy> {
    const proxy = new LinkProxy(targets);
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once('error', reject);
      proxy.#server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = proxy.#server.address();
    proxy.port = typeof address === 'object' && address !== null ? address.port : 0;
    return proxy;
  }

  get isCut(): boolean {
    return this.#cut;
  }

  cut(): void {
    this.#cut = true;
    this.cuts++;
    for (const [a, b] of this.#pairs) {
      a.destroy();
      b.destroy();
    }
    this.#pairs.clear();
  }

  restore(): void {
    this.#cut = false;
  }

  private accept(client: Socket, targets: readonly ProxyTarget[], attempt = 0): void {
    client.on('error', () => undefined);
    if (this.#cut || attempt >= targets.length) {
      client.destroy();
      return;
    }
    const target = targets[(this.#next + attempt) % targets.length]!;
    const upstream = connect(target.port, target.host);
    const pair: [Socket, Socket] = [client, upstream];
    client.pause();
    upstream.once('error', () => {
      if (!this.#pairs.has(pair) && !client.destroyed) {
        // Refused before it was relayed: try the next server.
        this.accept(client, targets, attempt + 1);
        return;
      }
      client.destroy();
    });
    upstream.once('connect', () => {
      if (this.#cut || client.destroyed) {
        upstream.destroy();
        client.destroy();
        return;
      }
      this.#next = (this.#next + attempt + 1) % targets.length;
      this.connections++;
      this.#pairs.add(pair);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
      const end = (): void => {
        this.#pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.once('close', end);
      upstream.once('close', end);
    });
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
