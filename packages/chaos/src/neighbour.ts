import { connect, type Socket } from 'node:net';
import { JUNK_KINDS, junk, seedFrames, type JunkKind } from './junk.js';
import type { Random } from './random.js';

export interface FloodOptions {
  readonly host: string;
  readonly port: number;
  /** Connections kept open at once. */
  readonly connections: number;
  /** Frames (pieces of junk) written per connection before it is closed and another opened. */
  readonly framesPerConnection: number;
  readonly kinds?: readonly JunkKind[];
  readonly random: Random;
}

export interface FloodStats {
  frames: number;
  bytes: number;
  connections: number;
  /** Connections the box closed on us (what it should do on junk). */
  closedByBox: number;
  refused: number;
}

/**
 * A neighbour on the shop network that dials port 9000 and writes junk: random bytes, 2 GiB length
 * prefixes, mutated, truncated and spliced frames. Each connection sometimes says a real Hello first
 * so the junk also reaches the box's session logic, not only its framing.
 */
export class Neighbour {
  readonly stats: FloodStats = { frames: 0, bytes: 0, connections: 0, closedByBox: 0, refused: 0 };
  #running = false;
  readonly #sockets = new Set<Socket>();
  #done: Promise<void> = Promise.resolve();

  constructor(private readonly options: FloodOptions) {}

  /** Floods until stop() or until `maxFrames` frames were written. */
  start(maxFrames = Number.POSITIVE_INFINITY): void {
    this.#running = true;
    const workers: Promise<void>[] = [];
    for (let i = 0; i < this.options.connections; i++) workers.push(this.#worker(i, maxFrames));
    this.#done = Promise.all(workers).then(() => undefined);
  }

  get finished(): Promise<void> {
    return this.#done;
  }

  async stop(): Promise<void> {
    this.#running = false;
    for (const socket of this.#sockets) socket.destroy();
    await this.#done;
  }

  async #worker(index: number, maxFrames: number): Promise<void> {
    const random = this.options.random.fork();
    const seeds = seedFrames(`NB${String(index).padStart(6, '0')}`);
    const kinds = this.options.kinds ?? JUNK_KINDS;
    while (this.#running && this.stats.frames < maxFrames) {
      await this.#oneConnection(random, seeds, kinds, maxFrames);
    }
  }

  #oneConnection(random: Random, seeds: readonly Buffer[], kinds: readonly JunkKind[], maxFrames: number): Promise<void> {
    return new Promise((resolve) => {
      const socket = connect(this.options.port, this.options.host);
      this.#sockets.add(socket);
      let closedByUs = false;
      let opened = false;
      socket.on('data', () => undefined);
      socket.on('error', () => undefined);
      socket.once('close', () => {
        this.#sockets.delete(socket);
        if (!opened) this.stats.refused++;
        else if (!closedByUs) this.stats.closedByBox++;
        // A refused dial is retried after a pause, not in a tight loop.
        if (!opened) setTimeout(resolve, 50);
        else resolve();
      });
      socket.once('connect', () => {
        opened = true;
        this.stats.connections++;
        if (random.chance(0.5)) socket.write(seeds[0]!);
        let written = 0;
        const write = (): void => {
          while (this.#running && !socket.destroyed && written < this.options.framesPerConnection && this.stats.frames < maxFrames) {
            const piece = junk(random.pick(kinds), seeds, random);
            this.stats.frames++;
            this.stats.bytes += piece.length;
            written++;
            if (!socket.write(piece)) {
              socket.once('drain', write);
              return;
            }
          }
          if (socket.destroyed) return;
          closedByUs = true;
          socket.destroy();
        };
        write();
      });
    });
  }
}
