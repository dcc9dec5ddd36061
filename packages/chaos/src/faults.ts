import type { RunDatabase } from './database.js';
import { Neighbour } from './neighbour.js';
import { sleep } from './processes.js';
import type { Random } from './random.js';
import type { World } from './world.js';

export const FAULTS = ['kill-box', 'kill-server', 'cut-uplink', 'drop-terminal', 'reconnect-storm', 'flood-port', 'kill-db-connections'] as const;
export type FaultName = (typeof FAULTS)[number];

/** How often each fault is drawn, relative to the others. */
const WEIGHTS: Readonly<Record<FaultName, number>> = {
  'kill-box': 2,
  'kill-server': 2,
  'cut-uplink': 2,
  'drop-terminal': 3,
  'reconnect-storm': 1,
  'flood-port': 1,
  'kill-db-connections': 2,
};

export function drawFault(random: Random): FaultName {
  const total = FAULTS.reduce((sum, f) => sum + WEIGHTS[f], 0);
  let point = random.next() * total;
  for (const fault of FAULTS) {
    point -= WEIGHTS[fault];
    if (point < 0) return fault;
  }
  return FAULTS[FAULTS.length - 1]!;
}

export interface FaultStats {
  readonly injected: Record<FaultName, number>;
  floodFrames: number;
  dbConnectionsKilled: number;
}

/**
 * Draws faults from the seed and applies them one after the other, with a pause between them,
 * until stopped; `restoreAll` then brings every process and link back.
 */
export class FaultInjector {
  readonly stats: FaultStats = { injected: Object.fromEntries(FAULTS.map((f) => [f, 0])) as Record<FaultName, number>, floodFrames: 0, dbConnectionsKilled: 0 };
  #running = false;
  #loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly world: World,
    private readonly database: RunDatabase,
    private readonly random: Random,
    private readonly log: (line: string) => void,
  ) {}

  start(): void {
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
    await this.restoreAll();
  }

  async restoreAll(): Promise<void> {
    this.world.proxy.restore();
    for (const server of this.world.servers) await server.start(60_000);
    await this.world.box.start(60_000);
  }

  async #run(): Promise<void> {
    while (this.#running) {
      await sleep(this.random.int(500, 4000));
      if (!this.#running) return;
      const fault = drawFault(this.random);
      this.stats.injected[fault]++;
      this.log(`fault: ${fault}`);
      try {
        await this.#apply(fault);
      } catch (error) {
        this.log(`fault ${fault} could not be applied or undone: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  async #apply(fault: FaultName): Promise<void> {
    const { world, random } = this;
    switch (fault) {
      case 'kill-box':
        await world.box.kill();
        await sleep(random.int(200, 3000));
        await world.box.start(60_000);
        return;
      case 'kill-server': {
        const server = random.pick(world.servers);
        await server.kill();
        await sleep(random.int(200, 4000));
        await server.start(60_000);
        return;
      }
      case 'cut-uplink':
        world.proxy.cut();
        await sleep(random.int(500, 6000));
        world.proxy.restore();
        return;
      case 'drop-terminal':
        random.pick(world.terminals).disconnect();
        return;
      case 'reconnect-storm': {
        const rounds = random.int(1, 3);
        for (let i = 0; i < rounds; i++) {
          for (const terminal of world.terminals) terminal.disconnect();
          await sleep(random.int(50, 800));
        }
        return;
      }
      case 'flood-port': {
        const neighbour = new Neighbour({
          host: '127.0.0.1',
          port: world.boxPort,
          connections: random.int(4, 16),
          framesPerConnection: random.int(1, 50),
          random: random.fork(),
        });
        neighbour.start();
        await sleep(random.int(1000, 5000));
        await neighbour.stop();
        this.stats.floodFrames += neighbour.stats.frames;
        return;
      }
      case 'kill-db-connections':
        this.stats.dbConnectionsKilled += await this.database.terminateConnections();
        return;
    }
  }
}
