import type { Server } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { ServiceContext } from './services/context.js';
import { attachUplink } from './uplink/index.js';

export interface UplinkHandle {
  close(): Promise<void>;
}

/** The one place where the box uplink (the WebSocket boxes dial, at BOX_UPLINK_PATH) joins the HTTP server. */
export async function attachBoxUplink(server: Server, ctx: ServiceContext, log: FastifyBaseLogger): Promise<UplinkHandle> {
  return attachUplink(server, ctx, log.child({ component: 'uplink' }));
}
