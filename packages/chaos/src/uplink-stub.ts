import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { BOX_CONTRACT_VERSION, BOX_UPLINK_PATH, parseBoxToServer, type BoxCommand, type BoxEvent } from '@kassa/contract';

/**
 * The server end of the box uplink, built from the contract alone, for runs that need a box but
 * not a kassa server: it checks the token, validates every box message, welcomes, acknowledges,
 * keeps each event once, and lets the caller send commands or any raw text.
 */
export class UplinkStub {
  readonly events = new Map<string, BoxEvent>();
  readonly invalid: string[] = [];
  duplicates = 0;
  hellos = 0;
  refusedUpgrades = 0;
  #nextCommand = 1;
  /** Commands not yet confirmed by the box: sent again after every hello, as the server does. */
  readonly #pending = new Map<number, string>();
  readonly received = new Set<number>();
  readonly #sockets = new Set<WebSocket>();
  readonly #waiters = new Map<string, (event: BoxEvent) => void>();

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    readonly port: number,
  ) {}

  static async start(token: string): Promise<UplinkStub> {
    const http = createServer((_request, response) => response.writeHead(404).end());
    const wss = new WebSocketServer({ noServer: true, maxPayload: 2 * 1024 * 1024 });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
    const stub = new UplinkStub(http, wss, (http.address() as AddressInfo).port);
    http.on('upgrade', (request, socket, head) => {
      if (request.url !== BOX_UPLINK_PATH || request.headers.authorization !== `Bearer ${token}`) {
        stub.refusedUpgrades++;
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => stub.#accept(ws));
    });
    return stub;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get connected(): boolean {
    return this.#sockets.size > 0;
  }

  command(command: BoxCommand, commandId = this.#nextCommand++): number {
    const text = JSON.stringify({ type: 'command', commandId, command });
    this.#pending.set(commandId, text);
    this.sendRaw(text);
    return commandId;
  }

  sendRaw(text: string | Buffer): void {
    for (const ws of this.#sockets) ws.send(text);
  }

  /** Resolves with the final event (result, not run, or refusal) of a payment. */
  final(paymentUuid: string): Promise<BoxEvent> {
    for (const event of this.events.values()) if (isFinalOf(event, paymentUuid)) return Promise.resolve(event);
    return new Promise((resolve) => this.#waiters.set(paymentUuid, resolve));
  }

  dropConnections(): void {
    for (const ws of this.#sockets) ws.terminate();
  }

  async close(): Promise<void> {
    this.dropConnections();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  #accept(ws: WebSocket): void {
    this.#sockets.add(ws);
    ws.on('close', () => this.#sockets.delete(ws));
    ws.on('error', () => undefined);
    ws.on('message', (data) => {
      const text = String(data);
      let message;
      try {
        message = parseBoxToServer(text);
      } catch {
        this.invalid.push(text.slice(0, 200));
        return;
      }
      if (message.type === 'hello') {
        this.hellos++;
        ws.send(JSON.stringify({ type: 'welcome', version: BOX_CONTRACT_VERSION, boxId: message.boxId, name: 'stub' }));
        for (const text of this.#pending.values()) ws.send(text);
      } else if (message.type === 'commandReceived') {
        this.received.add(message.commandId);
        this.#pending.delete(message.commandId);
      } else if (message.type === 'event') {
        if (this.events.has(message.id)) this.duplicates++;
        else {
          this.events.set(message.id, message.event);
          const uuid = 'paymentUuid' in message.event ? message.event.paymentUuid : undefined;
          const waiter = uuid === undefined ? undefined : this.#waiters.get(uuid);
          if (waiter !== undefined && uuid !== undefined && isFinalOf(message.event, uuid)) {
            this.#waiters.delete(uuid);
            waiter(message.event);
          }
        }
        ws.send(JSON.stringify({ type: 'ack', ids: [message.id] }));
      }
    });
  }
}

function isFinalOf(event: BoxEvent, paymentUuid: string): boolean {
  if (!('paymentUuid' in event) || event.paymentUuid !== paymentUuid) return false;
  return (
    event.kind === 'transactionResult' || event.kind === 'transactionNotRun' || (event.kind === 'commandRefused' && event.commandKind === 'startTransaction')
  );
}
