import { createServer, type Server, type Socket } from 'node:net';
import {
  encodeFrame,
  FrameDecoder,
  isTyped,
  SequenceCounter,
  TransactionStage,
  type Body,
  type TlvError,
  type TypedMessage,
  type TypedMessageName,
} from '@kassa/protocol';
import { waitUntil } from './wait.js';

/**
 * A tiny IoT box made of `@kassa/protocol` alone, for tests: it listens on an
 * ephemeral port of 127.0.0.1, answers Hello, KeepAlive and Bye, records every
 * message and lets a test send anything (with a wrong sequence number or MDC
 * too). An example of driving a terminal with the codec and nothing else.
 */
export interface MiniBoxOptions {
  /** KeepAliveInterval digits given in the HelloResponse (default "5005", as the deployed box). */
  readonly keepAliveInterval?: string;
  /** EcrId put in every header (default "odoo"). */
  readonly ecrId?: string;
  /** Port to listen on (default 0: an ephemeral one). */
  readonly port?: number;
}

export interface SendOptions {
  /** Use this sequence number instead of the next one (the counter does not move). */
  readonly sequenceNumber?: number;
  /** Flip the MDC so the frame fails its check. */
  readonly corruptMdc?: boolean;
}

export class BoxSession {
  readonly received: TypedMessage[] = [];
  readonly errors: TlvError[] = [];
  /** TCP chunks read from this terminal (a split writer makes many). */
  chunks = 0;
  closed = false;
  /** Answer KeepAliveRequests (turn off to make the terminal time out). */
  answerKeepAlive = true;
  terminalId: string | undefined;
  protocolId = '00000100';
  /** The address the terminal dialled from. */
  readonly remoteAddress: string;
  private readonly socket: Socket;
  private readonly sequence = new SequenceCounter();
  private readonly ecrId: string;
  private readonly keepAliveInterval: string;

  constructor(socket: Socket, options: { keepAliveInterval: string; ecrId: string }) {
    this.socket = socket;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.ecrId = options.ecrId;
    this.keepAliveInterval = options.keepAliveInterval;
    const decoder = new FrameDecoder({
      onMessage: (message) => {
        if (isTyped(message)) this.receive(message);
      },
      onError: (error) => {
        this.errors.push(error);
        if (error.fatal) socket.destroy();
      },
    });
    socket.on('data', (chunk: Buffer) => {
      this.chunks++;
      decoder.push(chunk);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
    });
  }

  send(type: TypedMessageName, body: Body, options: SendOptions = {}): void {
    const sequenceNumber = options.sequenceNumber ?? this.sequence.next();
    const header = { protocolId: this.protocolId, terminalId: this.terminalId ?? '', ecrId: this.ecrId, sequenceNumber };
    const frame = encodeFrame({ type, header, body });
    if (options.corruptMdc) frame[frame.length - 1] = frame[frame.length - 1]! ^ 0x55;
    if (!this.socket.destroyed) this.socket.write(frame);
  }

  sendRaw(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  sendTransaction(transactionId: bigint, amountCents: number, transactionType?: number): void {
    const transactionData = transactionType === undefined ? { amount: amountCents } : { amount: amountCents, transactionType: Uint8Array.of(transactionType) };
    this.send('TransactionRequest', { transactionId, transactionData, printData: { printOrigin: 2 } });
  }

  sendCancel(): void {
    this.send('CancelRequest', { cancelReason: 0 });
  }

  sendLastTransaction(transactionId?: bigint): void {
    this.send('LastTransactionRequest', transactionId === undefined ? {} : { transactionId });
  }

  /** Every message type received, in order, e.g. "TransactionResponse:WaitingForCard". */
  trace(from = 0): string[] {
    return this.received.slice(from).map(describe);
  }

  /** The first received message (from index `from`) that matches. */
  waitFor(match: (m: TypedMessage) => boolean, what: string, from = 0): Promise<TypedMessage> {
    return waitUntil(() => this.received.slice(from).find(match), what);
  }

  /** The final TransactionResponse (one with a TransactionResult) for an id. */
  waitForFinal(transactionId: bigint): Promise<TypedMessage> {
    return this.waitFor(
      (m) => m.type === 'TransactionResponse' && m.body.transactionResult !== undefined && m.body.transactionId === transactionId,
      `the final TransactionResponse of ${transactionId}`,
    );
  }

  waitClosed(): Promise<true> {
    return waitUntil(() => this.closed, 'the connection to close');
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(message: TypedMessage): void {
    this.received.push(message);
    switch (message.type) {
      case 'HelloRequest':
        this.terminalId = message.header.terminalId;
        this.protocolId = message.header.protocolId;
        this.sequence.reset();
        this.send('HelloResponse', { resultCode: 0, connectionParameters: { keepAliveInterval: this.keepAliveInterval } });
        return;
      case 'KeepAliveRequest':
        if (this.answerKeepAlive) this.send('KeepAliveResponse', { keepAliveReason: message.body.keepAliveReason ?? 1, resultCode: 0 });
        return;
      case 'ByeRequest':
        this.send('ByeResponse', { resultCode: 0 });
        this.socket.end();
        return;
      default:
        return;
    }
  }
}

/** "TransactionResponse:WaitingForCard", "TransactionResponse:Approved", "CancelResponse:0", … */
export function describe(message: TypedMessage): string {
  const { body } = message;
  if (message.type === 'TransactionResponse' || message.type === 'LastTransactionResponse') {
    if (body.transactionResult !== undefined) return `${message.type}:${resultLabel(body.transactionResult)}`;
    if (body.transactionStage !== undefined) return `${message.type}:${stageLabel(body.transactionStage)}`;
  }
  if (message.type === 'InformationReport')
    return body.transactionStage !== undefined ? `InformationReport:${stageLabel(body.transactionStage)}` : 'InformationReport';
  if (body.resultCode !== undefined) return `${message.type}:${body.resultCode}`;
  return message.type;
}

const STAGES = new Map(Object.entries(TransactionStage).map(([k, v]) => [v as number, k]));
const RESULTS = ['Approved', 'Error', 'Declined', 'Stopped', 'TechnicalProblem'];
function stageLabel(value: number): string {
  return STAGES.get(value) ?? `Stage(${value})`;
}
function resultLabel(value: number): string {
  return RESULTS[value] ?? `Result(${value})`;
}

export class MiniBox {
  readonly sessions: BoxSession[] = [];
  private readonly server: Server;
  private readonly options: { keepAliveInterval: string; ecrId: string };

  private constructor(server: Server, options: { keepAliveInterval: string; ecrId: string }) {
    this.server = server;
    this.options = options;
    server.on('connection', (socket) => {
      socket.setNoDelay(true);
      this.sessions.push(new BoxSession(socket, this.options));
    });
  }

  static async start(options: MiniBoxOptions = {}): Promise<MiniBox> {
    const server = createServer();
    const box = new MiniBox(server, { keepAliveInterval: options.keepAliveInterval ?? '5005', ecrId: options.ecrId ?? 'odoo' });
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
    return box;
  }

  get port(): number {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    return address.port;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The newest session of a terminal that said hello, once there is one (and, with `after`, newer than that one). */
  session(terminalId: string, after?: BoxSession): Promise<BoxSession> {
    return waitUntil(() => {
      const found = [...this.sessions].reverse().find((s) => s.terminalId === terminalId && !s.closed);
      return found && found !== after ? found : undefined;
    }, `a session of ${terminalId}`);
  }

  async close(): Promise<void> {
    for (const s of this.sessions) s.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
