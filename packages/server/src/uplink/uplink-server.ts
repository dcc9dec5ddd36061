import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BOX_UPLINK_PATH } from '@kassa/contract';
import type { Logger } from 'pino';
import { pino } from 'pino';
import type { ServiceContext } from '../services/context.js';
import type { Uplink, UplinkOptions } from './index.js';
import { attachUplink } from './index.js';

export interface UplinkServer {
  readonly http: Server;
  readonly uplink: Uplink;
  /** `http://127.0.0.1:<port>`: what a box is given as --server. */
  readonly baseUrl: string;
  /** The WebSocket URL of the uplink. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A bare HTTP server on an ephemeral loopback port with only the uplink attached: what the uplink's
 * tests, the bench and a two-process setup run, without the rest of the application.
 */
export async function startUplinkServer(ctx: ServiceContext, options: UplinkOptions & { log?: Logger } = {}): Promise<UplinkServer> {
  const server = createServer((_request, response) => {
    response.statusCode = 404;
    response.end();
  });
  const uplink = attachUplink(server, ctx, options.log ?? pino({ level: 'silent' }), options);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    http: server,
    uplink,
    baseUrl: `http://127.0.0.1:${port}`,
    url: `ws://127.0.0.1:${port}${BOX_UPLINK_PATH}`,
    close: async () => {
      await uplink.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
