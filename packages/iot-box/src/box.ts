import type { Server as HttpServer } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { boxUplinkUrl, type BoxCommand } from '@kassa/contract';
import { DEFAULT_MAX_FRAME_SIZE, isTyped, type Message } from '@kassa/protocol';
import { parseAllowlist, type Allowlist } from './allowlist.js';
import { loadOrCreateBoxId } from './box-id.js';
import { parseHostPort, type HostPort } from './config.js';
import { SessionCloseReason } from './errors.js';
import { startHttp } from './http/http-server.js';
import type { BoxStatus } from './http/status.js';
import { Journal } from './journal/journal.js';
import { KEEP_COMMAND_IDS } from './journal/state.js';
import { createLogger, type Logger } from './logger.js';
import { BoxLatency } from './latency.js';
import { Outbox } from './outbox.js';
import { DeviceRegistry, deviceReport, helloDevices, lastSeenOf } from './registry.js';
import { listenForTerminals } from './terminal/listener.js';
import { DEFAULT_KEEP_ALIVE_INTERVAL, versionInformationRequest } from './terminal/messages.js';
import { TerminalGate } from './terminal/gate.js';
import { identityFromVersionInformation, type TerminalIdentity } from './terminal/model.js';
import { TerminalSession, type SessionHandlers } from './terminal/session.js';
import { TransactionManager } from './transactions/manager.js';
import type { BackoffOptions } from './uplink/backoff.js';
import { Uplink } from './uplink/uplink.js';
import { BOX_SOFTWARE, BOX_VERSION } from './version.js';

export interface BoxOptions {
  /** Where terminals connect, `HOST:PORT` (default `0.0.0.0:9000`; port 0 picks a free one). */
  readonly listen?: string | HostPort;
  /** Where /status and /healthz are served (default `127.0.0.1:9080`); `null` serves nothing. */
  readonly http?: string | HostPort | null;
  /** The server's base URL; without it the box runs alone and keeps its events. */
  readonly server?: string | undefined;
  readonly token?: string | undefined;
  /** Box identity and journal (default `./data/iot-box`). */
  readonly dataDir?: string;
  /** Only these addresses may connect as terminals: `CIDR,…` or a parsed list. */
  readonly allow?: string | Allowlist | undefined;
  /** A pino logger; otherwise one at `logLevel` (default `info`) on stdout. */
  readonly logger?: Logger;
  readonly logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** EcrId in the header of every frame the box sends (default `kassa`). */
  readonly ecrId?: string;
  readonly halfFrameTimeoutMs?: number;
  readonly silenceTimeoutMs?: number;
  readonly transactionTimeoutMs?: number;
  readonly maxFrameSize?: number;
  /** Frames with a bad MDC or malformed content skipped on one connection before it is closed (default 3). */
  readonly maxBadFrames?: number;
  /** How long a connection claiming the id of an online terminal from its address has to show the same serial number (default 5 s). */
  readonly identifyTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
  readonly heartbeatMs?: number;
}

export interface Box {
  readonly boxId: string;
  readonly listenAddress: HostPort;
  readonly httpAddress: HostPort | null;
  readonly registry: DeviceRegistry;
  status(): BoxStatus;
  /** Runs a command as if the server had sent it (for tools and tests that run without a server). */
  execute(command: BoxCommand): void;
  /** Graceful stop: no new connections, Bye to every terminal, in-flight work journaled. */
  close(): Promise<void>;
}

export const DEFAULTS = {
  listen: '0.0.0.0:9000',
  http: '127.0.0.1:9080',
  dataDir: './data/iot-box',
  ecrId: 'kassa',
  halfFrameTimeoutMs: 5_000,
  silenceTimeoutMs: 120_000,
  transactionTimeoutMs: 300_000,
  maxBadFrames: 3,
  identifyTimeoutMs: 5_000,
} as const;

/** Starts a box in this process: terminal port, HTTP status, journal and (when configured) the uplink. */
export async function startBox(options: BoxOptions = {}): Promise<Box> {
  const log = options.logger ?? createLogger(options.logLevel ?? 'info');
  const dataDir = options.dataDir ?? DEFAULTS.dataDir;
  const listen = toHostPort(options.listen ?? DEFAULTS.listen, 'listen');
  const httpAt = options.http === null ? null : toHostPort(options.http ?? DEFAULTS.http, 'http');
  const allow = typeof options.allow === 'string' ? parseAllowlist(options.allow) : options.allow;
  const startedAt = new Date();
  // How long ready work waited for the event loop: the box's own measure of being overloaded.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();

  const boxId = loadOrCreateBoxId(dataDir);
  const { journal, state, tornTail } = Journal.open(dataDir);
  if (tornTail) log.warn({ path: journal.path }, 'the journal was cut by a crash; its unreadable tail was set aside');
  const latency = new BoxLatency();
  const outbox = new Outbox(journal, state.boot, state.events.values(), log, { latency });
  const registry = new DeviceRegistry((device, persist) => {
    if (persist) {
      const { terminalId, model, serialNumber, address } = device;
      journal.write({ k: 'device', terminalId, model, serialNumber, address, lastSeen: lastSeenOf(device) });
    }
    outbox.emit({ kind: 'device', device: deviceReport(device) });
  });
  for (const known of state.devices.values()) registry.remember(known);
  const manager = new TransactionManager(state, journal, outbox, registry, log, {
    transactionTimeoutMs: options.transactionTimeoutMs ?? DEFAULTS.transactionTimeoutMs,
  });
  const commands = state.commands;

  const sessions = new Set<TerminalSession>();
  /** The session now speaks for its terminal; the one it replaces (the same terminal's old connection) is closed. */
  const attach = (session: TerminalSession, identity: TerminalIdentity | undefined): void => {
    const terminalId = session.terminalId!;
    const { replaced } = registry.attach(session, terminalId);
    if (replaced) {
      replaced.close(SessionCloseReason.Replaced, 'the terminal connected again');
      manager.terminalLost(terminalId, 'the terminal reconnected during the transaction');
    }
    if (identity) registry.identify(terminalId, identity.model, identity.serialNumber);
    manager.terminalReady(terminalId);
    if (!identity) session.send(versionInformationRequest());
  };
  const gate = new TerminalGate({
    registry,
    identifyTimeoutMs: options.identifyTimeoutMs ?? DEFAULTS.identifyTimeoutMs,
    logger: log,
    attach,
    askIdentity: (session) => session.send(versionInformationRequest()),
    report: (conflict) => outbox.emit({ kind: 'terminalConflict', ...conflict, address: conflict.address.slice(0, 64) }),
  });
  const handlers: SessionHandlers = {
    onClaim: (session) => gate.claim(session),
    onHello: (session) => gate.greeted(session),
    onFrame: (session) => registry.seen(session),
    onMessage(session, message: Message) {
      const terminalId = session.terminalId!;
      if (!isTyped(message)) {
        log.debug({ terminalId, type: message.type, typeId: message.typeId }, 'message not handled by the box');
        return;
      }
      const identity = (): TerminalIdentity => identityFromVersionInformation(message.body);
      if (gate.intercept(session, message, identity)) return;
      if (message.type === 'VersionInformationResponse') {
        const { model, serialNumber } = identity();
        registry.identify(terminalId, model, serialNumber);
        return;
      }
      manager.terminalMessage(terminalId, message);
    },
    onClosed(session, reason) {
      sessions.delete(session);
      gate.closed(session);
      const terminalId = session.terminalId;
      if (terminalId !== undefined && registry.detach(session, reason)) manager.terminalLost(terminalId, `the terminal connection closed (${reason})`);
    },
  };
  const sessionOptions = {
    ecrId: options.ecrId ?? DEFAULTS.ecrId,
    keepAliveInterval: DEFAULT_KEEP_ALIVE_INTERVAL,
    halfFrameTimeoutMs: options.halfFrameTimeoutMs ?? DEFAULTS.halfFrameTimeoutMs,
    silenceTimeoutMs: options.silenceTimeoutMs ?? DEFAULTS.silenceTimeoutMs,
    maxFrameSize: options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE,
    maxBadFrames: options.maxBadFrames ?? DEFAULTS.maxBadFrames,
    logger: log,
    latency,
  };

  const onCommand = (commandId: number, command: BoxCommand): Promise<void> => {
    if (commands.has(commandId)) return Promise.resolve();
    commands.add(commandId);
    if (commands.size > KEEP_COMMAND_IDS) commands.delete(commands.values().next().value!);
    try {
      manager.handle(command);
    } catch (error) {
      // A bug, not a bad command (the contract was checked): not confirmed, so the server sends it again.
      commands.delete(commandId);
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    // Queued after whatever the command journaled, so "received" implies its effects are on disk.
    return journal.append({ k: 'command', commandId });
  };

  let uplink: Uplink | undefined;
  if (options.server !== undefined) {
    if (options.token === undefined) throw new TypeError('a server needs a token');
    uplink = new Uplink({
      url: boxUplinkUrl(options.server),
      token: options.token,
      boxId,
      outbox,
      // The contract takes at most MAX_BOX_TERMINALS in a hello: the most recently seen ones.
      devices: () => helloDevices(registry.list()).map(deviceReport),
      onCommand,
      logger: log,
      backoff: options.backoff,
      heartbeatMs: options.heartbeatMs,
      latency,
    });
  }

  let terminals: Server;
  let http: HttpServer | null = null;
  try {
    terminals = await listenForTerminals({
      address: listen,
      allow,
      logger: log,
      onConnection: (socket) => {
        sessions.add(new TerminalSession(socket, handlers, sessionOptions));
      },
    });
    if (httpAt) {
      http = await startHttp(
        httpAt,
        () => status(),
        () => (journal.failed ? { ok: false, code: journal.failed.code, message: journal.failed.message } : { ok: true }),
      );
    }
  } catch (error) {
    manager.stop();
    await journal.close();
    throw error;
  }
  uplink?.start();
  const listenAddress = addressOf(terminals);
  const httpAddress = http ? addressOf(http) : null;
  log.info({ boxId, listen: listenAddress, http: httpAddress, server: options.server ?? null, boot: state.boot, pendingEvents: outbox.size }, 'box started');

  function status(): BoxStatus {
    const link = uplink?.snapshot();
    const stats = journal.stats;
    return {
      boxId,
      software: BOX_SOFTWARE,
      version: BOX_VERSION,
      startedAt: startedAt.toISOString(),
      uptimeSeconds: Math.floor((Date.now() - startedAt.getTime()) / 1000),
      listen: `${listenAddress.host}:${listenAddress.port}`,
      server: {
        configured: uplink !== undefined,
        state: link?.state ?? 'none',
        url: link?.url ?? null,
        connectedSince: link?.connectedSince ?? null,
        lastError: link?.lastError ?? null,
        pendingEvents: outbox.size,
      },
      eventLoopDelayMs: {
        p50: round3(loopDelay.percentile(50) / 1e6),
        p99: round3(loopDelay.percentile(99) / 1e6),
        max: round3(loopDelay.max / 1e6),
      },
      latency: latency.reading(),
      journal: {
        path: journal.path,
        records: stats.records,
        syncs: stats.syncs,
        lastSyncMs: round3(stats.lastSyncMs),
        compactions: stats.compactions,
        lastCompactionMs: Math.round(stats.lastCompactionMs),
        lastCompactionPauseMs: round3(stats.lastCompactionPauseMs),
        lastCompactionHoldMs: round3(stats.lastCompactionHoldMs),
      },
      terminalConflicts: { total: gate.conflicts.total, recent: gate.conflicts.recent },
      terminals: registry.list().map((device) => ({
        ...deviceReport(device),
        lastCloseReason: device.lastCloseReason,
        transaction: manager.viewOf(device.terminalId),
      })),
    };
  }

  let closing: Promise<void> | undefined;
  return {
    boxId,
    listenAddress,
    httpAddress,
    registry,
    status,
    execute: (command) => manager.handle(command),
    close() {
      closing ??= (async () => {
        log.info('box stopping');
        const stopped = new Promise<void>((resolve) => terminals.close(() => resolve()));
        await Promise.all([...sessions].map((session) => session.bye(1000)));
        await stopped;
        if (http) {
          const h = http;
          h.closeAllConnections();
          await new Promise<void>((resolve) => h.close(() => resolve()));
        }
        manager.stop();
        gate.stop();
        loopDelay.disable();
        await uplink?.close();
        await journal.close();
        log.info('box stopped');
      })();
      return closing;
    },
  };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function toHostPort(value: string | HostPort, what: string): HostPort {
  return typeof value === 'string' ? parseHostPort(value, what) : value;
}

function addressOf(server: Server | HttpServer): HostPort {
  const address = server.address() as AddressInfo;
  return { host: address.address, port: address.port };
}
