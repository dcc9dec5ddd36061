import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from './api.js';
import type { ChaosOptions } from './args.js';
import { collectFacts, TerminalWatch } from './collect.js';
import { createRunDatabase } from './database.js';
import { FaultInjector } from './faults.js';
import { sleep } from './processes.js';
import { Random } from './random.js';
import { findSecrets } from './secrets.js';
import { securityPhase } from './security.js';
import { Till } from './till.js';
import { verify, type Finding } from './verify.js';
import { setUpShop, startWorld, type World } from './world.js';

export interface ChaosReport {
  readonly seed: number;
  readonly ok: boolean;
  readonly seconds: { readonly traffic: number; readonly settle: number; readonly total: number };
  readonly counts: Readonly<Record<string, number>>;
  readonly faults: Readonly<Record<string, number>>;
  readonly findings: readonly Finding[];
  readonly runDir: string;
}

async function login(api: ApiClient, username: string, password: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const answer = await api.login(username, password);
    if (answer.status === 200) return;
    await sleep(500);
  }
  throw new Error(`${username} could not log in`);
}

/** One chaos run: start everything, sell under faults, settle, compare every ledger with the server. */
export async function runChaos(options: ChaosOptions, print: (line: string) => void): Promise<ChaosReport> {
  const started = Date.now();
  const random = new Random(options.seed);
  const log = (line: string): void => print(`[${((Date.now() - started) / 1000).toFixed(1).padStart(7)} s] ${line}`);
  const verbose = options.verbose ? log : (): void => undefined;
  const runDir = mkdtempSync(join(tmpdir(), `kassa-chaos-${options.seed}-`));
  const database = await createRunDatabase(options.databaseUrl, options.seed);
  let world: World | undefined;
  let ok = false;
  try {
    world = await startWorld({ runDir, database, terminals: options.terminals, log });
    const admin = new ApiClient(world.serverUrls);
    await login(admin, world.admin.username, world.admin.password);
    const cashier = new ApiClient(world.serverUrls);
    await login(cashier, world.cashier.username, world.cashier.password);
    const shop = await setUpShop(world, admin, cashier);
    const tills: Till[] = [];
    for (const terminal of world.terminals) {
      const api = cashier.sharingSession();
      tills.push(
        new Till(
          api,
          {
            terminal,
            cardMethodId: shop.cardMethodOf.get(terminal.terminalId)!,
            cashMethodId: shop.cashMethodId,
            sessionId: shop.sessionId,
            productIds: shop.productIds,
            approval: { username: world.admin.username, secret: world.admin.password },
          },
          random.fork(),
          verbose,
        ),
      );
    }
    for (const proc of [...world.servers, world.box]) proc.supervise = true;
    const watch = new TerminalWatch(world.terminals);
    const faults = new FaultInjector(world, database, random.fork(), verbose);
    log(`selling on ${tills.length} tills for ${options.durationS} s with faults (seed ${options.seed})`);
    const selling = tills.map((till) => till.run());
    faults.start();
    await sleep(options.durationS * 1000);
    const trafficEnd = Date.now();
    await faults.stop();
    log(
      `faults stopped (${Object.entries(faults.stats.injected)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}); settling for up to ${options.settleS} s`,
    );
    const deadline = Date.now() + options.settleS * 1000;
    for (const till of tills) till.stopSelling(deadline);
    await Promise.all(selling);
    const settleEnd = Date.now();

    const facts = await collectFacts(admin, tills, world.terminals, watch);
    const verdict = verify(facts);
    const findings: Finding[] = [...verdict.findings];
    for (const till of tills)
      for (const anomaly of till.anomalies)
        findings.push({
          rule: 'every refusal is expected',
          detail: `${anomaly.what} answered ${anomaly.status} ${JSON.stringify(anomaly.body).slice(0, 300)}`,
        });
    for (const proc of [...world.servers, world.box]) for (const exit of proc.unexpectedExits) findings.push({ rule: 'processes stay up', detail: exit });

    const counts: Record<string, number> = { ...verdict.counts };
    const sum = (pick: (t: Till) => number): number => tills.reduce((s, t) => s + pick(t), 0);
    counts['orders sold'] = sum((t) => t.stats.orders);
    counts['orders validated by tills'] = sum((t) => t.stats.validated);
    counts['card payment requests'] = sum((t) => t.stats.cardPayments);
    counts['cash payments'] = sum((t) => t.stats.cashPayments);
    counts['requests sent again'] = sum((t) => t.stats.resends);
    counts['double submits'] = sum((t) => t.stats.duplicateSubmits);
    counts['refunds asked'] = sum((t) => t.stats.refunds);
    counts['check again pressed'] = sum((t) => t.stats.checks);
    counts['terminals restarted by a cashier'] = sum((t) => t.stats.reboots);
    counts['flood frames'] = faults.stats.floodFrames;
    counts['db connections killed'] = faults.stats.dbConnectionsKilled;
    counts['uplink connections'] = world.proxy.connections;

    // The attacks the trust rules stop, against the same processes once the figures are taken.
    const security = await securityPhase(world, shop, admin, cashier, random.fork(), options.seed, log);
    findings.push(...security.findings);
    Object.assign(counts, security.counts);

    // Stop gracefully before reading the logs, so every line is on disk.
    await stopWorld(world);
    const secrets = new Map<string, string>([
      ['admin password', world.admin.password],
      ['cashier password', world.cashier.password],
      ['box token', world.boxToken],
      ['admin session cookie', admin.sessionCookie],
      ['cashier session cookie', cashier.sessionCookie],
      ...security.secrets,
    ]);
    for (const leak of findSecrets(world.logFiles, secrets))
      findings.push({ rule: 'no secret in a log', detail: `${leak.secret} in ${leak.file} line ${leak.line}` });
    ok = findings.length === 0;
    return {
      seed: options.seed,
      ok,
      seconds: {
        traffic: Math.round((trafficEnd - started) / 1000),
        settle: Math.round((settleEnd - trafficEnd) / 1000),
        total: Math.round((Date.now() - started) / 1000),
      },
      counts,
      faults: faults.stats.injected,
      findings,
      runDir,
    };
  } finally {
    if (world !== undefined) await stopWorld(world).catch(() => undefined);
    if (!options.keepDatabase) await database.drop().catch((error: unknown) => log(`could not drop ${database.name}: ${String(error)}`));
    if (ok) rmSync(runDir, { recursive: true, force: true });
    else log(`logs kept in ${runDir}`);
  }
}

async function stopWorld(world: World): Promise<void> {
  for (const proc of [...world.servers, world.box]) proc.supervise = false;
  await Promise.all(world.terminals.map((t) => t.close().catch(() => undefined)));
  await world.box.stop();
  await Promise.all(world.servers.map((s) => s.stop()));
  await world.proxy.close().catch(() => undefined);
  await Promise.all([...world.servers, world.box].map((p) => p.closeLog()));
}
