import { encodeFrame } from '../frame.js';
import type { MessageInput } from '../message.js';

const box = { protocolId: '00000100', terminalId: '12345678', ecrId: 'odoo', sequenceNumber: 2 };
const terminal = { protocolId: '00000100', terminalId: '12345678', sequenceNumber: 5 };
const text = (n: number): string => 'AMOUNT EUR 12.34 APPROVED '.repeat(Math.ceil(n / 26)).slice(0, n);

/** Valid frames of every shape the fuzzer mutates: typed, generic, short and long-form lengths. */
export const SEED_MESSAGES: readonly MessageInput[] = [
  { type: 'HelloRequest', header: { ...terminal, sequenceNumber: 0 }, body: {} },
  { type: 'HelloResponse', header: { ...box, sequenceNumber: 0 }, body: { resultCode: 0, connectionParameters: { keepAliveInterval: '5005' } } },
  { type: 'KeepAliveRequest', header: terminal, body: { keepAliveReason: 1 } },
  { type: 'KeepAliveResponse', header: box, body: { keepAliveReason: 1, resultCode: 0 } },
  { type: 'ByeRequest', header: terminal, body: { byeReason: 4 } },
  { type: 'TransactionRequest', header: box, body: { transactionId: 123456789012345n, transactionData: { amount: 1234 }, printData: { printOrigin: 2 } } },
  { type: 'TransactionResponse', header: terminal, body: { transactionStage: 1, stageMessage: 'PRESENT CARD' } },
  {
    type: 'TransactionResponse',
    header: terminal,
    body: {
      transactionStage: 4,
      transactionResult: 0,
      transactionId: 42n,
      cardBrandIdentifier: '0003',
      transactionData: { amount: 1234, authorisationCode: '123456' },
      tickets: [
        { ticketType: 1, ticketBody: text(40) },
        { ticketType: 2, ticketBody: 'Café — reçu ✓' },
      ],
    },
  },
  { type: 'TransactionResponse', header: terminal, body: { transactionResult: 0, tickets: [{ ticketBody: text(300) }], tag9F01: Uint8Array.of(1, 2) } },
  { type: 'CancelRequest', header: box, body: { cancelReason: 0 } },
  { type: 'LastTransactionResponse', header: terminal, body: { transactionId: 7n, transactionResult: 2 } },
  { type: 'VersionInformationResponse', header: terminal, body: { serialNumber: 'SN-1', versionString: 'v1.2.3' } },
  { type: 'SettingsResponse', header: terminal, body: { settingsResult: { settingId: Uint8Array.of(1), settingResult: Uint8Array.of(0) } } },
  {
    type: 'PrintRequest',
    typeId: 66,
    header: terminal,
    tlv: [
      { tag: 0xa6, children: [{ tag: 0xef, children: [{ tag: 0x4c, value: new TextEncoder().encode(text(150)) }] }] },
      { tag: 0xdf8204, value: Uint8Array.of(1) },
    ],
  },
];

export function seedFrames(): Uint8Array[] {
  return SEED_MESSAGES.map((m) => encodeFrame(m));
}
