import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { BOX_UPLINK_PATH, ERROR_CATALOGUE, MAX_UPLINK_MESSAGE_BYTES, type ApiErrorCode } from '@kassa/contract';
import { WebSocketServer } from 'ws';
import { COMMANDS_CHANNEL, storedCommand } from '../repos/box-commands.js';
import { toJson } from '../repos/executor.js';
import { notify } from '../repos/notify.js';
import { boxHolder } from '../repos/uplink-boxes.js';
import { boxDisconnected } from '../services/box-events/box-link.js';
import { BOX_REVOKED_CHANNEL } from '../services/boxes.js';
import type { ServiceContext } from '../services/context.js';
import { authenticateBox } from './auth.js';
import type { UplinkLogger } from './logger.js';
import { BoxLink, CLOSE } from './link.js';
import type { SeenRetentionOptions } from './seen-retention.js';
import { DEFAULT_SEEN_RETENTION, startSeenRetention } from './seen-retention.js';

export { CLOSE } from './link.js';
export type { UplinkErrorCode } from './link.js';
export type { UplinkLogger } from './logger.js';

/** NOTIFY channel on which the process that took a box tells the others to drop their old link. */
export const BOX_LINKS_CHANNEL = 'box_links';

export interface UplinkOptions {
  /** A box must say hello within this time after the upgrade. */
  readonly helloTimeoutMs?: number;
  /** Ping interval; a link that misses one pong is closed. */
  readonly heartbeatMs?: number;
  /** How often each link looks for undelivered commands a lost NOTIFY did not bring. */
  readonly sweepMs?: number;
  /** How long applied box event ids are kept, and how often they are pruned. */
  readonly seenRetention?: SeenRetentionOptions;
}

export interface Uplink {
  close(): Promise<void>;
  connectedBoxIds(): string[];
}

const DEFAULTS = { helloTimeoutMs: 10_000, heartbeatMs: 30_000, sweepMs: 5_000 };

/**
 * Attaches the box uplink to an HTTP server: WebSocket upgrades on BOX_UPLINK_PATH (other paths are
 * left alone) are authenticated by the box token before the upgrade completes, then each box gets
 * a BoxLink. Commands reach the process holding a box through NOTIFY on `box_commands`; a box that
 * connects again (here or to another process) replaces its old link.
 */
export function attachUplink(server: Server, ctx: ServiceContext, log: UplinkLogger, options: UplinkOptions = {}): Uplink {
  const settings = { ...DEFAULTS, ...options };
  // Characters may take up to 4 bytes; the contract's own limit then gives a clear error below this.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * MAX_UPLINK_MESSAGE_BYTES, perMessageDeflate: false });
  const current = new Map<string, BoxLink>();
  const everyLink = new Set<BoxLink>();
  let closing = false;

  // A box's previous link may still be going offline; its next hello waits for that to finish.
  const releases = new Map<string, Promise<unknown>>();

  const hooks = {
    released: async (link: BoxLink): Promise<void> => {
      await releases.get(link.boxId)?.catch(() => undefined);
    },
    held: async (link: BoxLink): Promise<void> => {
      await notify(ctx.db, ctx.prefix, BOX_LINKS_CHANNEL, toJson({ boxId: link.boxId, serverId: ctx.serverId, linkId: link.id }));
    },
    closed: async (link: BoxLink): Promise<void> => {
      everyLink.delete(link);
      if (current.get(link.boxId) !== link) return;
      current.delete(link.boxId);
      if (!link.helloStored) return;
      const release = boxDisconnected(ctx, link.boxId);
      releases.set(link.boxId, release);
      try {
        await release;
      } finally {
        if (releases.get(link.boxId) === release) releases.delete(link.boxId);
      }
    },
  };

  // One after another: the bus sends each LISTEN on one connection.
  const listening = (async () => {
    await ctx.database.bus.listen(COMMANDS_CHANNEL, (payload) => {
      const note = parseNote(payload);
      if (note === null || typeof note['id'] !== 'number') return;
      const link = current.get(String(note['boxId']));
      if (link === undefined) return;
      // A note too large for NOTIFY carries only the id; one that does not read as a command is read back from the table.
      const carried = note['command'] === undefined ? undefined : storedCommand({ id: note['id'], boxId: link.boxId, payload: note['command'] });
      link.commandQueued(note['id'], carried !== undefined && 'command' in carried ? carried : undefined);
    });
    await ctx.database.bus.listen(BOX_LINKS_CHANNEL, (payload) => {
      const note = parseNote(payload);
      if (note === null || note['serverId'] === ctx.serverId) return;
      const link = current.get(String(note['boxId']));
      // A link still saying hello is newer than the other process's; it will take the box back.
      if (link?.helloStored === true) void dropIfTakenElsewhere(link);
    });
    await ctx.database.bus.listen(BOX_REVOKED_CHANNEL, (boxId) => current.get(boxId)?.close(CLOSE.revoked, 'the box was revoked'));
  })();
  listening.catch((error: unknown) => log.error({ err: error }, 'uplink could not LISTEN'));
  // A command queued by this process reaches a link held here at once, before its NOTIFY.
  const detachLocal = ctx.links.attach((command, started) => current.get(command.boxId)?.commandQueued(command.id, command, started));

  async function dropIfTakenElsewhere(link: BoxLink): Promise<void> {
    try {
      if ((await boxHolder(ctx.db, link.boxId)) !== ctx.serverId) link.close(CLOSE.replaced, 'the box connected to another server');
    } catch (error) {
      log.error({ err: error, boxId: link.boxId }, 'could not check who holds the box');
    }
  }

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (pathOf(request.url) !== BOX_UPLINK_PATH) return;
    socket.on('error', () => socket.destroy());
    void upgrade(request, socket, head).catch((error: unknown) => {
      log.error({ err: error }, 'uplink upgrade failed');
      refuse(socket, 'KASSA_INTERNAL', ERROR_CATALOGUE.KASSA_UNAVAILABLE.message);
    });
  };

  async function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (closing) return refuse(socket, 'KASSA_UNAVAILABLE');
    // No box is taken before this process hears NOTIFYs, so no command can slip by unheard.
    await listening;
    const boxId = await authenticateBox(ctx.db, request.headers.authorization);
    if (boxId === null) {
      log.warn({ address: request.socket.remoteAddress }, 'box refused: missing, wrong or revoked token');
      return refuse(socket, 'KASSA_UNAUTHENTICATED', 'A valid box token is required.');
    }
    if (socket.destroyed || closing) return refuse(socket, 'KASSA_UNAVAILABLE');
    wss.handleUpgrade(request, socket, head, (ws) => {
      const link = new BoxLink(ws, { boxId, ctx, log, hooks, helloTimeoutMs: settings.helloTimeoutMs });
      everyLink.add(link);
      current.get(boxId)?.close(CLOSE.replaced, 'the box connected again');
      current.set(boxId, link);
    });
  }

  server.on('upgrade', onUpgrade);
  const heartbeat = setInterval(() => {
    for (const link of everyLink) link.heartbeat();
  }, settings.heartbeatMs);
  const sweep = setInterval(() => {
    for (const link of current.values()) link.sweep();
  }, settings.sweepMs);
  heartbeat.unref();
  sweep.unref();
  const retention = startSeenRetention(ctx, log, options.seenRetention ?? DEFAULT_SEEN_RETENTION);

  return {
    connectedBoxIds: () => [...current.values()].filter((link) => link.ready).map((link) => link.boxId),
    close: async () => {
      if (closing) return;
      closing = true;
      detachLocal();
      server.off('upgrade', onUpgrade);
      clearInterval(heartbeat);
      clearInterval(sweep);
      await retention.stop();
      const links = [...everyLink];
      for (const link of links) link.close(CLOSE.goingAway, 'server stopping');
      const forced = setTimeout(() => links.forEach((link) => link.terminate()), 2000);
      await Promise.all(links.map((link) => link.settled()));
      clearTimeout(forced);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await listening.catch(() => undefined);
    },
  };
}

/** The path of an upgrade request, without query or trailing slash: what is compared with BOX_UPLINK_PATH. */
export function pathOf(url: string | undefined): string {
  const path = (url ?? '/').split('?', 1)[0] ?? '/';
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

function parseNote(payload: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(payload);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const STATUS_TEXT: Readonly<Record<number, string>> = { 401: 'Unauthorized', 500: 'Internal Server Error', 503: 'Service Unavailable' };

/** An HTTP answer on the raw socket, with the catalogue's status and (unless given) message: the upgrade never happens. */
function refuse(socket: Duplex, code: ApiErrorCode, message: string = ERROR_CATALOGUE[code].message): void {
  if (socket.destroyed) return;
  const { status } = ERROR_CATALOGUE[code];
  const body = JSON.stringify({ code, message });
  const headers = [
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...(status === 401 ? ['WWW-Authenticate: Bearer'] : []),
  ];
  socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
}
