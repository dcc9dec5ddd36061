import { encodeFrame, type MessageInput } from '@kassa/protocol';
import type { Random } from './random.js';

/** Well-formed frames a terminal could send: the seeds that mutation starts from. */
export function seedFrames(terminalId: string): Buffer[] {
  const header = (sequenceNumber: number): MessageInput['header'] => ({ protocolId: '00000100', terminalId, sequenceNumber, ecrId: 'kassa' });
  const messages: MessageInput[] = [
    { type: 'HelloRequest', header: { protocolId: '00000100', terminalId, sequenceNumber: 0 }, body: {} },
    { type: 'KeepAliveRequest', header: header(1), body: { keepAliveReason: 1 } },
    { type: 'TransactionResponse', header: header(2), body: { transactionStage: 1, transactionId: 123_456_789n } },
    { type: 'InformationReport', header: header(3), body: { transactionStage: 1, stageMessage: 'Presenteer kaart' } },
    {
      type: 'TransactionResponse',
      header: header(4),
      body: {
        transactionStage: 4,
        transactionResult: 0,
        transactionId: 987_654_321n,
        transactionData: { amount: 1250, authorisationCode: 'A1B2C3' },
        tickets: [{ ticketType: 2, ticketHeader: 'Shop', ticketBody: 'x'.repeat(200), ticketFooter: 'keep' }],
      },
    },
    { type: 'ByeRequest', header: header(5), body: { byeReason: 2 } },
  ];
  return messages.map((m) => Buffer.from(encodeFrame(m)));
}

export const JUNK_KINDS = ['random', 'huge-length', 'mutated', 'truncated', 'spliced', 'bad-magic'] as const;
export type JunkKind = (typeof JUNK_KINDS)[number];

/** The 2 GiB length prefix and the magic: a box must refuse it before allocating anything. */
export function hugeLengthFrame(): Buffer {
  return Buffer.concat([Buffer.from([0x7f, 0xff, 0xff, 0xff]), Buffer.from('P4Y-ECR!', 'ascii')]);
}

/** One piece of junk of the given kind, made from the seeds with the generator. */
export function junk(kind: JunkKind, seeds: readonly Buffer[], random: Random): Buffer {
  switch (kind) {
    case 'random':
      return random.bytes(random.int(1, 256));
    case 'huge-length':
      return hugeLengthFrame();
    case 'mutated': {
      const frame = Buffer.from(random.pick(seeds));
      const flips = random.int(1, 8);
      for (let i = 0; i < flips; i++) frame[random.int(0, frame.length - 1)] = random.int(0, 255);
      return frame;
    }
    case 'truncated': {
      const frame = random.pick(seeds);
      return frame.subarray(0, random.int(1, frame.length - 1));
    }
    case 'spliced': {
      const a = random.pick(seeds);
      const b = random.pick(seeds);
      const cut = random.int(4, a.length - 1);
      const out = Buffer.concat([a.subarray(0, cut), b.subarray(random.int(0, b.length - 1))]);
      out.writeUInt32BE(out.length - 4, 0);
      return out;
    }
    case 'bad-magic': {
      const frame = Buffer.from(random.pick(seeds));
      frame.write('P4Y-ECR?', 4, 'ascii');
      return frame;
    }
  }
}
