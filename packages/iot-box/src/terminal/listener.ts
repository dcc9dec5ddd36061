import { createServer, type Server, type Socket } from 'node:net';
import type { Allowlist } from '../allowlist.js';
import type { HostPort } from '../config.js';
import type { Logger } from '../logger.js';

/** The TCP port terminals dial. Refused addresses are closed before a byte is read. */
export function listenForTerminals(options: {
  readonly address: HostPort;
  readonly allow: Allowlist | undefined;
  readonly logger: Logger;
  readonly onConnection: (socket: Socket) => void;
}): Promise<Server> {
  const server = createServer({ noDelay: true }, (socket) => {
    const remote = socket.remoteAddress ?? '';
    if (options.allow && !options.allow.allows(remote)) {
      options.logger.warn({ address: remote }, 'connection refused by --allow');
      socket.destroy();
      return;
    }
    options.onConnection(socket);
  });
  // Many terminals may reconnect at once after a box restart.
  server.maxConnections = 20_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.address.host, port: options.address.port, backlog: 2048 }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
