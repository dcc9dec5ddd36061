import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { BOX_UPLINK_PATH, parseBoxToServer, type BoxCommand, type BoxEvent, type BoxToServer, type PairingRefusal } from '@kassa/contract';

export interface ReceivedEvent {
  readonly id: string;
  readonly event: BoxEvent;
  readonly receivedAt: number;
}

export interface FakeServerOptions {
  readonly token?: string;
  /** Acknowledge every event at once (default true). */
  readonly autoAck?: boolean;
  /** Listen on this port (to come back where a box expects it). */
  readonly port?: number;
  readonly name?: string;
  /** Answer POST /api/boxes/pair: this code, once, gives the token. */
  readonly pairingCode?: string;
  /** A code the server once showed, past its ten minutes. */
  readonly expiredCode?: string;
  /** Listen on this address instead of 127.0.0.1 (a box's --insecure is for servers off the machine). */
  readonly host?: string;
}

/** POST /api/boxes/pair as the server answers it: the code once for the token, else KASSA_PAIRING_CODE. */
function pairingHandler(code: string | undefined, expired: string | undefined, token: string): (req: IncomingMessage, res: ServerResponse) => void {
  let used = false;
  return (req, res) => {
    if (req.method !== 'POST' || req.url !== '/api/boxes/pair' || code === undefined) return void res.writeHead(404).end();
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const sent = (JSON.parse(body) as { code?: string }).code?.replace('-', '');
      const json = (status: number, value: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      const reason: PairingRefusal | null = sent === expired?.replace('-', '') ? 'expired' : sent !== code.replace('-', '') ? 'unknown' : used ? 'used' : null;
      if (reason !== null) {
        return json(422, { error: { code: 'KASSA_PAIRING_CODE', message: 'The pairing code is wrong, expired or already used.', details: { reason } } });
      }
      used = true;
      json(201, { boxId: token.split('.')[0], token });
    });
  };
}

/**
 * A server side of the uplink built from the contract alone: it checks the bearer token, validates
 * every box message, answers hello with welcome, keeps each event once by id and acknowledges.
 */
export class FakeServer {
  readonly messages: BoxToServer[] = [];
  /** Each event id once, in arrival order (the server ignores duplicates). */
  readonly events = new Map<string, ReceivedEvent>();
  readonly duplicates: string[] = [];
  readonly invalid: string[] = [];
  readonly commandsReceived = new Set<number>();
  hellos = 0;
  connections = 0;
  refusedUpgrades = 0;
  autoAck: boolean;
  private nextCommandId = 1;
  private readonly sockets = new Set<WebSocket>();

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    readonly port: number,
    private readonly options: FakeServerOptions,
  ) {
    this.autoAck = options.autoAck ?? true;
  }

  static async start(options: FakeServerOptions = {}): Promise<FakeServer> {
    const token = options.token ?? 'test-token-123';
    const http = createServer(pairingHandler(options.pairingCode, options.expiredCode, token));
    const wss = new WebSocketServer({ noServer: true });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    const server = new FakeServer(http, wss, (http.address() as AddressInfo).port, { ...options, token });
    http.on('upgrade', (request, socket, head) => {
      if (request.url !== BOX_UPLINK_PATH || request.headers.authorization !== `Bearer ${token}`) {
        server.refusedUpgrades++;
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => server.accept(ws));
    });
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get connected(): boolean {
    return this.sockets.size > 0;
  }

  eventsOf<K extends BoxEvent['kind']>(kind: K, paymentUuid?: string): Extract<BoxEvent, { kind: K }>[] {
    const out: Extract<BoxEvent, { kind: K }>[] = [];
    for (const { event } of this.events.values()) {
      if (event.kind !== kind) continue;
      if (paymentUuid !== undefined && (!('paymentUuid' in event) || event.paymentUuid !== paymentUuid)) continue;
      out.push(event as Extract<BoxEvent, { kind: K }>);
    }
    return out;
  }

  /** Sends a command to every connected box; returns its id. */
  command(command: BoxCommand, commandId = this.nextCommandId++): number {
    this.sendRaw(JSON.stringify({ type: 'command', commandId, command }));
    return commandId;
  }

  ack(ids: string[]): void {
    this.sendRaw(JSON.stringify({ type: 'ack', ids }));
  }

  sendRaw(text: string): void {
    for (const ws of this.sockets) ws.send(text);
  }

  /** Drops every box connection abruptly. */
  dropConnections(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  async close(): Promise<void> {
    this.dropConnections();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private accept(ws: WebSocket): void {
    this.sockets.add(ws);
    this.connections++;
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('message', (data) => {
      const text = String(data);
      let message: BoxToServer;
      try {
        message = parseBoxToServer(text);
      } catch {
        this.invalid.push(text);
        return;
      }
      this.messages.push(message);
      switch (message.type) {
        case 'hello':
          this.hellos++;
          ws.send(JSON.stringify({ type: 'welcome', version: 1, boxId: message.boxId, name: this.options.name ?? 'test shop' }));
          return;
        case 'event':
          if (this.events.has(message.id)) this.duplicates.push(message.id);
          else this.events.set(message.id, { id: message.id, event: message.event, receivedAt: performance.now() });
          if (this.autoAck) ws.send(JSON.stringify({ type: 'ack', ids: [message.id] }));
          return;
        case 'commandReceived':
          this.commandsReceived.add(message.commandId);
          return;
        case 'error':
          return;
      }
    });
  }
}
