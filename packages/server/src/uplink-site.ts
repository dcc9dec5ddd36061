import type { Server } from 'node:http';
import { BOX_UPLINK_PATH } from '@kassa/contract';
import type { FastifyBaseLogger } from 'fastify';
import { errorPayload } from './http/errors.js';
import type { ServiceContext } from './services/context.js';
import { attachUplink, pathOf } from './uplink/index.js';

export interface UplinkHandle {
  close(): Promise<void>;
}

/** The one place where the box uplink (the WebSocket boxes dial, at BOX_UPLINK_PATH) joins the HTTP server. */
export async function attachBoxUplink(server: Server, ctx: ServiceContext, log: FastifyBaseLogger): Promise<UplinkHandle> {
  return attachUplink(server, ctx, log.child({ component: 'uplink' }));
}

/**
 * An upgrade request on any other path (or on the uplink's when it is not attached) is answered
 * 404 and closed: Node hands upgrades to 'upgrade' listeners only, so without this the socket would
 * stay open, unanswered, for as long as the client likes.
 */
export function refuseStrayUpgrades(server: Server, uplinkAttached: boolean): void {
  server.on('upgrade', (request, socket) => {
    if (uplinkAttached && pathOf(request.url) === BOX_UPLINK_PATH) return;
    socket.on('error', () => socket.destroy());
    const body = JSON.stringify(errorPayload('KASSA_NOT_FOUND', `No upgrade at ${pathOf(request.url)}.`));
    socket.end(
      ['HTTP/1.1 404 Not Found', 'Connection: close', 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n'),
    );
  });
}
