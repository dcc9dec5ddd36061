// (name, message, bytes) cases in the manner of mqtt-packet: every case is
// decoded, encoded, round-tripped and streamed at every split point.
import type { GenericMessage, TypedMessage } from '../../src/index.js';
import { ascii, cat, frame, hex, tlv, type Bytes } from './builder.js';

export interface Fixture {
  readonly name: string;
  /** The message as decodeFrame returns it, without its `mdc`. */
  readonly message: Omit<TypedMessage, 'mdc'> | Omit<GenericMessage, 'mdc'>;
  readonly bytes: Bytes;
}

const terminal = { protocolId: '00000100', terminalId: '12345678', sequenceNumber: 7 };
const box = { protocolId: '00000100', terminalId: '12345678', ecrId: 'odoo', sequenceNumber: 3 };

function typed(name: string, type: string, typeId: number, head: typeof terminal | typeof box, body: Record<string, unknown>, bodyBytes: Bytes): Fixture {
  return {
    name,
    message: { type, typeId, header: head, body } as Omit<TypedMessage, 'mdc'>,
    bytes: frame({ typeId, ...head }, bodyBytes),
  };
}

const text128 = 'T'.repeat(128);
const text300 = 'ticket line 0123456789 '.repeat(13).slice(0, 300);
// 20 characters, 27 bytes: lengths count bytes, not characters.
const utf8Text = 'Café €12,34 — merci ✓';

export const FIXTURES: readonly Fixture[] = [
  typed('HelloRequest without EcrId, empty body', 'HelloRequest', 16, { ...terminal, sequenceNumber: 0 }, {}, new Uint8Array(0)),
  typed(
    'HelloResponse with result and keep-alive interval',
    'HelloResponse',
    16,
    { ...box, sequenceNumber: 0 },
    { resultCode: 0, connectionParameters: { keepAliveInterval: '5005' } },
    cat(tlv('16', hex('0000')), tlv('A4', tlv('49', hex('5005')))),
  ),
  typed('KeepAliveRequest', 'KeepAliveRequest', 18, terminal, { keepAliveReason: 1 }, tlv('15', hex('01'))),
  typed('KeepAliveResponse', 'KeepAliveResponse', 19, box, { keepAliveReason: 1, resultCode: 0 }, cat(tlv('15', hex('01')), tlv('16', hex('0000')))),
  typed('ByeRequest Reboot', 'ByeRequest', 20, terminal, { byeReason: 3 }, tlv('17', hex('03'))),
  typed('ByeResponse', 'ByeResponse', 21, box, { resultCode: 0 }, tlv('16', hex('0000'))),
  typed(
    'TransactionRequest with every TransactionData field',
    'TransactionRequest',
    48,
    box,
    {
      transactionId: 123456789012345n,
      transactionData: {
        amount: 1234,
        currencyCode: '0978',
        currencyExponent: '02',
        progressReportLanguage: 'fr',
        merchantTransactionReference: 'ORDER-42',
        authorisationCode: 'A1B2C3',
        token: hex('cafe'),
      },
      printData: { printOrigin: 2 },
    },
    cat(
      tlv('1A', hex('00007048860ddf79')),
      tlv(
        'A3',
        tlv('50', hex('00001234')),
        tlv('51', hex('0978')),
        tlv('52', hex('02')),
        tlv('53', ascii('fr')),
        tlv('55', ascii('ORDER-42')),
        tlv('1F70', ascii('A1B2C3')),
        tlv('1F71', hex('cafe')),
      ),
      tlv('A5', tlv('4E', hex('02'))),
    ),
  ),
  typed(
    'TransactionResponse stage update with a stage message',
    'TransactionResponse',
    49,
    terminal,
    { transactionStage: 2, stageMessage: 'ENTER PIN' },
    cat(tlv('0E', hex('02')), tlv('0F', ascii('ENTER PIN'))),
  ),
  typed(
    'TransactionResponse with an unknown stage and an unknown result value',
    'TransactionResponse',
    49,
    terminal,
    { transactionStage: 77, transactionResult: 9 },
    cat(tlv('0E', hex('4d')), tlv('56', hex('09'))),
  ),
  typed(
    'TransactionResponse final with card brand, authorisation code and two tickets',
    'TransactionResponse',
    49,
    terminal,
    {
      transactionStage: 4,
      transactionResult: 0,
      transactionId: 42n,
      cardBrandIdentifier: '0003',
      transactionData: { amount: 99999999, authorisationCode: '123456' },
      tickets: [
        { ticketType: 1, ticketBody: 'MERCHANT COPY' },
        { ticketType: 2, ticketHeader: 'HEAD', ticketBody: 'CARDHOLDER COPY', ticketFooter: 'FOOT' },
      ],
    },
    cat(
      tlv('0E', hex('04')),
      tlv('56', hex('00')),
      tlv('1A', hex('000000000000002a')),
      tlv('DF5F', hex('0003')),
      tlv('A3', tlv('50', hex('99999999')), tlv('1F70', ascii('123456'))),
      tlv(
        'A6',
        tlv('EF', tlv('4A', hex('01')), tlv('4C', ascii('MERCHANT COPY'))),
        tlv('EF', tlv('4A', hex('02')), tlv('4B', ascii('HEAD')), tlv('4C', ascii('CARDHOLDER COPY')), tlv('4D', ascii('FOOT'))),
      ),
    ),
  ),
  typed(
    'TransactionResponse with a 128-byte ticket (long-form length 81)',
    'TransactionResponse',
    49,
    terminal,
    { transactionResult: 0, tickets: [{ ticketBody: text128 }] },
    cat(tlv('56', hex('00')), tlv('A6', tlv('EF', tlv('4C', ascii(text128))))),
  ),
  typed(
    'TransactionResponse with a 300-byte ticket (long-form length 82)',
    'TransactionResponse',
    49,
    terminal,
    { transactionResult: 0, tickets: [{ ticketBody: text300 }] },
    cat(tlv('56', hex('00')), tlv('A6', tlv('EF', tlv('4C', ascii(text300))))),
  ),
  typed(
    'TransactionResponse with UTF-8 text measured in bytes',
    'TransactionResponse',
    49,
    terminal,
    { stageMessage: utf8Text, tickets: [{ ticketBody: utf8Text.repeat(8) }] },
    cat(tlv('0F', ascii(utf8Text)), tlv('A6', tlv('EF', tlv('4C', ascii(utf8Text.repeat(8)))))),
  ),
  typed(
    'TransactionResponse keeping unknown and repeated tags raw, in place',
    'TransactionResponse',
    49,
    terminal,
    { tag9F01: hex('0102'), transactionStage: 1, tagBF01: hex('0a0100'), transactionData: { amount: 5, tagC1: hex('ff') }, tag0E: hex('02') },
    cat(
      tlv('9F01', hex('0102')),
      tlv('0E', hex('01')),
      tlv('BF01', hex('0a0100')),
      tlv('A3', tlv('50', hex('00000005')), tlv('C1', hex('ff'))),
      tlv('0E', hex('02')),
    ),
  ),
  typed(
    'TransactionResponse whose TicketData is not made of EF records',
    'TransactionResponse',
    49,
    terminal,
    { tagA6: hex('4c0141') },
    tlv('A6', tlv('4C', ascii('A'))),
  ),
  typed('CancelRequest manual', 'CancelRequest', 54, box, { cancelReason: 0 }, tlv('1E', hex('00'))),
  typed('CancelResponse', 'CancelResponse', 55, terminal, { resultCode: 0 }, tlv('16', hex('0000'))),
  typed('LastTransactionRequest', 'LastTransactionRequest', 56, box, { transactionId: 123456789012345n }, tlv('1A', hex('00007048860ddf79'))),
  typed(
    'LastTransactionResponse',
    'LastTransactionResponse',
    57,
    terminal,
    { transactionId: 123456789012345n, transactionResult: 0, transactionData: { amount: 1234 } },
    cat(tlv('1A', hex('00007048860ddf79')), tlv('56', hex('00')), tlv('A3', tlv('50', hex('00001234')))),
  ),
  typed(
    'InformationReport with merchant text',
    'InformationReport',
    80,
    terminal,
    { transactionStage: 1, merchantText: 'INSERT CARD', language: 'nl' },
    cat(tlv('0E', hex('01')), tlv('1D', ascii('INSERT CARD')), tlv('18', ascii('nl'))),
  ),
  typed('VersionInformationRequest', 'VersionInformationRequest', 90, box, {}, new Uint8Array(0)),
  typed(
    'VersionInformationResponse with every version field',
    'VersionInformationResponse',
    91,
    terminal,
    {
      applicationId: 'APP',
      logicalId: 'L1',
      serialNumber: 'SN-0042',
      versionNumber: '1.2.3',
      versionString: 'Lane/5000 v1.2.3',
      extraInformationName: 'CPU',
      extraInformationValue: '42',
      extraInformationUnit: '%',
    },
    cat(
      tlv('80', ascii('APP')),
      tlv('81', ascii('L1')),
      tlv('82', ascii('SN-0042')),
      tlv('83', ascii('1.2.3')),
      tlv('84', ascii('Lane/5000 v1.2.3')),
      tlv('85', ascii('CPU')),
      tlv('86', ascii('42')),
      tlv('87', ascii('%')),
    ),
  ),
  typed('LastTicketRequest', 'LastTicketRequest', 52, box, {}, new Uint8Array(0)),
  typed('LastTicketResponse', 'LastTicketResponse', 53, terminal, { tickets: [{ ticketBody: 'LAST' }] }, tlv('A6', tlv('EF', tlv('4C', ascii('LAST'))))),
  typed('TotalsRequest', 'TotalsRequest', 50, box, { totalsType: hex('01') }, tlv('5F54', hex('01'))),
  typed('TotalsResponse', 'TotalsResponse', 51, terminal, { resultCode: 0, infoType: hex('02') }, cat(tlv('16', hex('0000')), tlv('5F55', hex('02')))),
  typed(
    'SettingsRequest',
    'SettingsRequest',
    82,
    box,
    { settings: { settingId: hex('01'), settingValue: hex('0a') } },
    tlv('AC', tlv('5A', hex('01')), tlv('5C', hex('0a'))),
  ),
  typed(
    'SettingsResponse',
    'SettingsResponse',
    83,
    terminal,
    { settingsResult: { settingId: hex('01'), settingResult: hex('00') } },
    tlv('AD', tlv('5A', hex('01')), tlv('5D', hex('00'))),
  ),
  {
    name: 'PrintRequest (generic) with a nested TLV tree',
    message: {
      type: 'PrintRequest',
      typeId: 66,
      header: terminal,
      tlv: [
        { tag: 0xa6, children: [{ tag: 0xef, children: [{ tag: 0x4c, value: ascii('PRINT ME') }] }] },
        { tag: 0xdf8204, value: hex('01') },
      ],
    },
    bytes: frame({ typeId: 66, ...terminal }, cat(tlv('A6', tlv('EF', tlv('4C', ascii('PRINT ME')))), tlv('DF8204', hex('01')))),
  },
  {
    name: 'AcquirerDownload (generic) with a constructed tag that holds no TLVs',
    message: { type: 'AcquirerDownload', typeId: 31, header: terminal, tlv: [{ tag: 0xe7, value: hex('ffff') }] },
    bytes: frame({ typeId: 31, ...terminal }, tlv('E7', hex('ffff'))),
  },
  {
    name: 'TransparentMode (generic) with a long value',
    message: { type: 'TransparentMode', typeId: 1000, header: box, tlv: [{ tag: 0x3f01, children: [{ tag: 0x01, value: new Uint8Array(200).fill(7) }] }] },
    bytes: frame({ typeId: 1000, ...box }, tlv('3F01', tlv('01', new Uint8Array(200).fill(7)))),
  },
  {
    name: 'Unknown message type (generic), empty body',
    message: { type: 'Unknown', typeId: 7777, header: box, tlv: [] },
    bytes: frame({ typeId: 7777, ...box }, new Uint8Array(0)),
  },
];
