import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTerminal, type ScenarioName, type TerminalHandle } from '@kassa/terminal-sim';
import type { ApiAnswer, ApiClient } from './api.js';
import type { RunDatabase } from './database.js';
import { ChaosError, ChaosErrorCode } from './errors.js';
import { BOX_BIN, freePort, httpOk, ManagedProcess, SERVER_BIN, waitUntil } from './processes.js';
import { LinkProxy } from './proxy.js';

/** The mix of behaviours the fleet runs, repeated over the terminals. */
export const SCENARIO_MIX: readonly ScenarioName[] = [
  'amount-rule',
  'slow',
  'disconnect-after-card',
  'amount-rule',
  'split',
  'no-answer',
  'amount-rule',
  'split',
  'slow',
  'amount-rule',
];
/** Prices whose last two digits drive `amount-rule`: approve, decline, stop, technical problem, error, no answer, offline approval. */
export const PRICES = [1200, 1201, 1202, 1203, 1204, 1205, 1206, 1299, 2350, 499];
const FIRST_TERMINAL_ID = 70_000_001;

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** Everything a chaos run starts, and the secrets it must never find in a log. */
export interface World {
  readonly servers: readonly ManagedProcess[];
  readonly serverUrls: readonly string[];
  readonly box: ManagedProcess;
  readonly boxPort: number;
  readonly boxHttpPort: number;
  readonly proxy: LinkProxy;
  readonly terminals: readonly TerminalHandle[];
  readonly scenarios: ReadonlyMap<string, ScenarioName>;
  readonly admin: Credentials;
  readonly cashier: Credentials;
  readonly boxToken: string;
  readonly logFiles: readonly string[];
  /** The folders the product keeps data in: the first server's (the demo secrets) and the box's. */
  readonly dataDirs: readonly string[];
}

export interface WorldOptions {
  readonly runDir: string;
  readonly database: RunDatabase;
  readonly terminals: number;
  readonly log: (line: string) => void;
}

function readDemo(dataDir: string): { admin: Credentials; cashier: Credentials; boxToken: string } {
  const demo = JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8')) as { admin: Credentials; cashier: Credentials; boxToken: string };
  return demo;
}

export async function startWorld(options: WorldOptions): Promise<World> {
  const { runDir, database, log } = options;
  const serverPorts = [await freePort(), await freePort()];
  const serverUrls = serverPorts.map((port) => `http://127.0.0.1:${port}`);
  const servers = serverPorts.map((port, i) => {
    const name = `server-${'ab'[i]}`;
    const dataDir = join(runDir, name);
    const url = new URL(database.url);
    url.searchParams.set('application_name', `kassa-chaos-${name}`);
    return new ManagedProcess({
      name,
      bin: SERVER_BIN,
      args: ['--port', String(port), '--data', dataDir, '--database-url', url.toString(), '--log-level', 'info', ...(i === 0 ? ['--demo'] : [])],
      logFile: join(runDir, `${name}.log`),
      ready: () => httpOk(`${serverUrls[i]}/api/healthz`),
    });
  });
  // The first server seeds the demo data (admin, cashier, a paired box); the second only shares the database.
  await servers[0]!.start();
  await servers[1]!.start();
  const demo = readDemo(join(runDir, 'server-a'));
  log(`servers at ${serverUrls.join(' and ')} on database ${database.name}`);

  const proxy = await LinkProxy.start(serverPorts.map((port) => ({ host: '127.0.0.1', port })));
  const boxPort = await freePort();
  const boxHttpPort = await freePort();
  const box = new ManagedProcess({
    name: 'box',
    bin: BOX_BIN,
    args: [
      '--listen',
      `127.0.0.1:${boxPort}`,
      '--http',
      `127.0.0.1:${boxHttpPort}`,
      '--server',
      `http://127.0.0.1:${proxy.port}`,
      '--data',
      join(runDir, 'box'),
      '--log-level',
      'info',
    ],
    // The token travels in the environment, as an installer's service file would set it.
    env: { KASSA_BOX_TOKEN: demo.boxToken },
    logFile: join(runDir, 'box.log'),
    ready: () => httpOk(`http://127.0.0.1:${boxHttpPort}/healthz`),
  });
  await box.start();
  log(`box on port ${boxPort}, linked to the servers through port ${proxy.port}`);

  const scenarios = new Map<string, ScenarioName>();
  const terminals: TerminalHandle[] = [];
  for (let i = 0; i < options.terminals; i++) {
    const terminalId = String(FIRST_TERMINAL_ID + i);
    const scenario = SCENARIO_MIX[i % SCENARIO_MIX.length]!;
    scenarios.set(terminalId, scenario);
    const terminal = startTerminal({
      box: { host: '127.0.0.1', port: boxPort },
      terminalId,
      scenario,
      seed: i + 1,
      reconnect: { initialMs: 100, maxMs: 2000 },
    });
    terminal.events.on('error', () => undefined);
    terminals.push(terminal);
  }
  await Promise.all(terminals.map((t) => t.ready()));
  log(`${terminals.length} terminals greeted by the box (${[...new Set(scenarios.values())].join(', ')})`);
  return {
    servers,
    serverUrls,
    box,
    boxPort,
    boxHttpPort,
    proxy,
    terminals,
    scenarios,
    admin: demo.admin,
    cashier: demo.cashier,
    boxToken: demo.boxToken,
    logFiles: [...servers.map((s) => s.spec.logFile), box.spec.logFile],
    // The second server, on the shared PostgreSQL database and without --demo, writes nothing to its folder.
    dataDirs: [join(runDir, 'server-a'), join(runDir, 'box')],
  };
}

export interface Shop {
  readonly cardMethodOf: ReadonlyMap<string, number>;
  readonly cashMethodId: number;
  readonly sessionId: number;
  readonly productIds: readonly number[];
}

function must(answer: ApiAnswer, what: string): unknown {
  if (answer.status < 200 || answer.status >= 300) throw new ChaosError(ChaosErrorCode.Setup, `${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Configures the shop through the API as a back office would: each terminal approved, a card method per terminal, products, a POS and its open session. */
export async function setUpShop(world: World, admin: ApiClient, cashier: ApiClient): Promise<Shop> {
  const server = world.serverUrls[0]!;
  const ids = new Set(world.terminals.map((t) => t.terminalId));
  const deviceOf = new Map<string, number>();
  await waitUntil(
    'every terminal in the device list',
    async () => {
      const devices = must(await admin.call(server, 'GET', '/api/devices'), 'devices') as { items: { id: number; terminalId: string; online: boolean }[] };
      for (const device of devices.items) if (ids.has(device.terminalId) && device.online) deviceOf.set(device.terminalId, device.id);
      return deviceOf.size === ids.size;
    },
    30_000,
    200,
  );
  const journals = must(await admin.call(server, 'GET', '/api/journals'), 'journals') as { items: { id: number; type: string }[] };
  const bank = journals.items.find((j) => j.type === 'bank');
  const methods = must(await admin.call(server, 'GET', '/api/payment-methods'), 'methods') as { items: { id: number; kind: string }[] };
  const cash = methods.items.find((m) => m.kind === 'cash');
  if (bank === undefined || cash === undefined) throw new ChaosError(ChaosErrorCode.Setup, 'the demo data has no Bank journal or Cash method');
  const cardMethodOf = new Map<string, number>();
  for (const [terminalId, deviceId] of deviceOf) {
    // A terminal the server has never seen waits for an admin's approval before a method may choose it.
    must(await admin.call(server, 'POST', `/api/devices/${deviceId}/approve`), 'approve the terminal');
    const method = must(
      await admin.call(server, 'POST', '/api/payment-methods', {
        name: `Card ${terminalId}`,
        kind: 'bank',
        journalId: bank.id,
        terminal: 'ingenico',
        deviceId,
      }),
      'card method',
    ) as { id: number };
    cardMethodOf.set(terminalId, method.id);
  }
  const productIds: number[] = [];
  for (const priceCents of PRICES) {
    const product = must(await admin.call(server, 'POST', '/api/products', { name: `Chaos ${priceCents}`, priceCents, vatRate: 21 }), 'product') as {
      id: number;
    };
    productIds.push(product.id);
  }
  const pos = must(
    await admin.call(server, 'POST', '/api/pos-configs', { name: 'Chaos tills', paymentMethodIds: [...cardMethodOf.values(), cash.id] }),
    'POS',
  ) as { id: number };
  const session = must(await cashier.call(server, 'POST', '/api/sessions', { posConfigId: pos.id, openingCashCents: 0 }), 'session') as { id: number };
  return { cardMethodOf, cashMethodId: cash.id, sessionId: session.id, productIds };
}
