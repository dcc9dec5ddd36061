import type { Server } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { ServiceContext } from './services/context.js';

export interface UplinkHandle {
  close(): Promise<void>;
}

/**
 * The one place where the box uplink (the WebSocket boxes dial, at BOX_UPLINK_PATH) joins the HTTP
 * server. Until the uplink module is part of the package, boxes cannot connect and this does nothing.
 */
export async function attachBoxUplink(_server: Server, _ctx: ServiceContext, _log: FastifyBaseLogger): Promise<UplinkHandle | null> {
  return null;
}
