import { createServer, type Socket } from 'node:net';
import { encodeFrame, FrameDecoder, isTyped, SequenceCounter, type Body, type TypedMessageName } from '@kassa/protocol';

/**
 * The bench's box, run as a child process so that its CPU is not counted
 * against the terminals: answers Hello and KeepAlive, and once told to,
 * sends each terminal one TransactionRequest per second (at a random phase).
 * Reports the count of final results it received when asked.
 */
interface Session {
  terminalId: string;
  readonly socket: Socket;
  readonly sequence: SequenceCounter;
  busy: boolean;
  timer: NodeJS.Timeout | undefined;
}

const keepAliveInterval = process.env.BENCH_KEEPALIVE ?? '1000';
const sessions = new Set<Session>();
let transacting = false;
let finals = 0;
let nextId = 1n;

function send(session: Session, type: TypedMessageName, body: Body): void {
  const header = { protocolId: '00000100', terminalId: session.terminalId, ecrId: 'bench', sequenceNumber: session.sequence.next() };
  if (!session.socket.destroyed) session.socket.write(encodeFrame({ type, header, body }));
}

function startTransactions(session: Session): void {
  if (session.timer) return;
  const tick = (): void => {
    if (session.busy) return;
    session.busy = true;
    // Amounts ending in 10..99 cents: the approve path of every scenario.
    const amount = 1000 + 10 + Math.floor(Math.random() * 89);
    send(session, 'TransactionRequest', { transactionId: nextId++, transactionData: { amount }, printData: { printOrigin: 2 } });
  };
  session.timer = setTimeout(
    () => {
      tick();
      session.timer = setInterval(tick, 1000);
    },
    Math.floor(Math.random() * 1000),
  );
}

const server = createServer((socket) => {
  const session: Session = { terminalId: '', socket, sequence: new SequenceCounter(), busy: false, timer: undefined };
  sessions.add(session);
  const decoder = new FrameDecoder({
    onMessage: (message) => {
      if (!isTyped(message)) return;
      const body = message.body;
      switch (message.type) {
        case 'HelloRequest':
          session.terminalId = message.header.terminalId;
          send(session, 'HelloResponse', { resultCode: 0, connectionParameters: { keepAliveInterval } });
          if (transacting) startTransactions(session);
          return;
        case 'KeepAliveRequest':
          send(session, 'KeepAliveResponse', { keepAliveReason: body.keepAliveReason ?? 1, resultCode: 0 });
          return;
        case 'TransactionResponse':
          if (body.transactionResult !== undefined) {
            finals++;
            session.busy = false;
          }
          return;
        case 'ByeRequest':
          send(session, 'ByeResponse', { resultCode: 0 });
          socket.end();
          return;
        default:
          return;
      }
    },
    onError: (error) => {
      if (error.fatal) socket.destroy();
    },
  });
  socket.on('data', (chunk: Buffer) => decoder.push(chunk));
  socket.on('error', () => undefined);
  socket.on('close', () => {
    if (session.timer) clearInterval(session.timer);
    sessions.delete(session);
  });
});

process.on('message', (command: string) => {
  if (command === 'transact') {
    transacting = true;
    for (const session of sessions) if (session.terminalId) startTransactions(session);
  } else if (command === 'idle') {
    transacting = false;
    for (const session of sessions) {
      if (session.timer) clearInterval(session.timer);
      session.timer = undefined;
      session.busy = false;
    }
  } else if (command === 'count') {
    process.send?.({ finals });
  } else if (command === 'stop') {
    server.close();
    process.exit(0);
  }
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address !== null && typeof address === 'object') process.send?.({ port: address.port });
});
