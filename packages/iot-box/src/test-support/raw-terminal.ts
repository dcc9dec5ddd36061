import { connect, type Socket } from 'node:net';
import { encodeFrame, FrameDecoder, SequenceCounter, type Body, type Message, type TypedMessageName } from '@kassa/protocol';
import { waitFor } from './wait.js';

/** A hand-driven terminal on a raw socket: the test decides every byte it sends. */
export class RawTerminal {
  readonly received: Message[] = [];
  closed = false;
  private readonly sequence = new SequenceCounter();
  private readonly decoder: FrameDecoder;
  private consumed = 0;

  private constructor(
    readonly socket: Socket,
    readonly terminalId: string,
    readonly protocolId: string,
  ) {
    this.decoder = new FrameDecoder({ onMessage: (m) => this.received.push(m), onError: () => socket.destroy() });
    socket.on('data', (chunk: Buffer) => this.decoder.push(chunk));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }

  /** `localAddress` dials from another loopback address (127.0.0.2), as another machine on the shop network would. */
  static async connect(port: number, terminalId: string, protocolId = '00000100', localAddress?: string): Promise<RawTerminal> {
    const socket = connect({ host: '127.0.0.1', port, ...(localAddress !== undefined ? { localAddress } : {}) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawTerminal(socket, terminalId, protocolId);
  }

  /** Connects and completes the handshake. */
  static async hello(port: number, terminalId: string): Promise<RawTerminal> {
    const terminal = await RawTerminal.connect(port, terminalId);
    terminal.send('HelloRequest', {});
    await terminal.next('HelloResponse');
    return terminal;
  }

  frame(type: TypedMessageName, body: Body, terminalId = this.terminalId): Uint8Array {
    return encodeFrame({ type, header: { protocolId: this.protocolId, terminalId, ecrId: 'odoo', sequenceNumber: this.sequence.next() }, body });
  }

  send(type: TypedMessageName, body: Body): void {
    this.socket.write(this.frame(type, body));
  }

  sendBytes(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** The next message of `type` not yet taken by an earlier call. */
  async next(type: string, timeoutMs?: number): Promise<Message> {
    return waitFor(
      () => {
        for (let i = this.consumed; i < this.received.length; i++) {
          if (this.received[i]!.type === type) {
            this.consumed = i + 1;
            return this.received[i];
          }
        }
        return undefined;
      },
      `${this.terminalId} to receive ${type}`,
      timeoutMs,
    );
  }

  async waitClosed(): Promise<void> {
    await waitFor(() => this.closed, `${this.terminalId} to be disconnected`);
  }

  close(): void {
    this.socket.destroy();
  }
}
