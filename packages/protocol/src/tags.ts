/**
 * The tag dictionary: every body tag of PROTOCOL.md with its field name and
 * value format. Tags not listed here are kept as raw bytes.
 *
 * Formats: `u8`/`u16`/`u32` fixed-width big-endian numbers, `u64` a bigint,
 * `amount` packed BCD of 4 bytes read as integer minor units, `bcd` packed BCD
 * kept as its digit string (its width is the string's length / 2), `text` UTF-8,
 * `bytes` raw, `group` a nested set of fields, `records` a list of `EF` groups.
 * Where PROTOCOL.md gives no format the field is `bytes`, which never fails.
 */
export type FieldFormat = 'u8' | 'u16' | 'u32' | 'u64' | 'amount' | 'bcd' | 'text' | 'bytes' | 'group' | 'records';

export interface TagSpec {
  readonly tag: number;
  readonly name: string;
  readonly format: FieldFormat;
}

/** Fixed byte widths of the fixed-width formats. */
export const FIXED_WIDTH: Partial<Record<FieldFormat, number>> = { u8: 1, u16: 2, u32: 4, u64: 8, amount: 4 };

/** The tag of one record inside a `records` field (a ticket inside TicketData). */
export const RECORD_TAG = 0xef;

export const Tag = {
  Root: 0xf0,
  Header: 0xe1,
  Body: 0xe2,
  Footer: 0xe3,
  ProtocolId: 0x10,
  MessageType: 0x11,
  TerminalId: 0x12,
  EcrId: 0x13,
  SequenceNumber: 0x14,
  Mdc: 0x1c,
} as const;

const spec = (tag: number, name: string, format: FieldFormat): TagSpec => ({ tag, name, format });

export const BODY_TAGS: readonly TagSpec[] = [
  spec(0x0e, 'transactionStage', 'u8'),
  spec(0x0f, 'stageMessage', 'text'),
  spec(0x15, 'keepAliveReason', 'u8'),
  spec(0x16, 'resultCode', 'u16'),
  spec(0x17, 'byeReason', 'u8'),
  spec(0x18, 'language', 'text'),
  spec(0x19, 'terminalState', 'u8'),
  spec(0x1a, 'transactionId', 'u64'),
  spec(0x1b, 'printResult', 'bytes'),
  spec(0x1d, 'merchantText', 'text'),
  spec(0x1e, 'cancelReason', 'u8'),
  spec(0x56, 'transactionResult', 'u8'),
  // A3 TransactionData
  spec(0xa3, 'transactionData', 'group'),
  spec(0x50, 'amount', 'amount'),
  spec(0x51, 'currencyCode', 'bcd'),
  spec(0x52, 'currencyExponent', 'bcd'),
  spec(0x53, 'progressReportLanguage', 'text'),
  spec(0x54, 'transactionType', 'bytes'),
  spec(0x55, 'merchantTransactionReference', 'text'),
  spec(0x57, 'transactionDateTime', 'bytes'),
  spec(0x58, 'intermediateResultMode', 'bytes'),
  spec(0x59, 'transactionMode', 'bytes'),
  spec(0x1f70, 'authorisationCode', 'text'),
  spec(0x1f71, 'token', 'bytes'),
  // A4 ConnectionParameters
  spec(0xa4, 'connectionParameters', 'group'),
  spec(0x47, 'connectionTimeout', 'bcd'),
  spec(0x48, 'connectionRetries', 'bcd'),
  spec(0x49, 'keepAliveInterval', 'bcd'),
  // A5 PrintData
  spec(0xa5, 'printData', 'group'),
  spec(0x4e, 'printOrigin', 'u8'),
  spec(0x4f, 'paperWidth', 'bytes'),
  // A6 TicketData: one EF record per ticket
  spec(0xa6, 'tickets', 'records'),
  spec(0x4a, 'ticketType', 'u8'),
  spec(0x4b, 'ticketHeader', 'text'),
  spec(0x4c, 'ticketBody', 'text'),
  spec(0x4d, 'ticketFooter', 'text'),
  spec(0xa8, 'transactionInformation', 'group'),
  // AC / AD Settings and their results
  spec(0xac, 'settings', 'group'),
  spec(0xad, 'settingsResult', 'group'),
  spec(0x5a, 'settingId', 'bytes'),
  spec(0x5b, 'settingType', 'bytes'),
  spec(0x5c, 'settingValue', 'bytes'),
  spec(0x5d, 'settingResult', 'bytes'),
  // 80-87 version information
  spec(0x80, 'applicationId', 'text'),
  spec(0x81, 'logicalId', 'text'),
  spec(0x82, 'serialNumber', 'text'),
  spec(0x83, 'versionNumber', 'text'),
  spec(0x84, 'versionString', 'text'),
  spec(0x85, 'extraInformationName', 'text'),
  spec(0x86, 'extraInformationValue', 'text'),
  spec(0x87, 'extraInformationUnit', 'text'),
  spec(0x5f54, 'totalsType', 'bytes'),
  spec(0x5f55, 'infoType', 'bytes'),
  spec(0xdf5f, 'cardBrandIdentifier', 'bcd'),
  spec(0xdf1a, 'cardholderLanguage', 'text'),
  spec(0xdf68, 'acquirerIdentifier', 'bytes'),
  spec(0xdf69, 'acquirerLabelName', 'text'),
];

export const TAG_BY_NUMBER: ReadonlyMap<number, TagSpec> = new Map(BODY_TAGS.map((s) => [s.tag, s]));
export const TAG_BY_NAME: ReadonlyMap<string, TagSpec> = new Map(BODY_TAGS.map((s) => [s.name, s]));

/** Key under which an unknown (or repeated) tag's raw value is kept: `tag9F01`, `tag0E_2`. */
export type RawKey = `tag${string}`;

export function isRawKey(key: string): key is RawKey {
  return key.charCodeAt(0) === 0x74 && key.startsWith('tag');
}
