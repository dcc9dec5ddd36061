import type { TypedMessageName } from './message-types.js';
import type { RawKey } from './tags.js';

/**
 * Raw fields: a tag the dictionary does not know, or a second occurrence of a
 * known one, kept as its value bytes under `tag<HEX>` so it re-encodes in place.
 */
export type RawFields = { [key: RawKey]: Uint8Array };

export type TransactionData = RawFields & {
  /** Minor units: 1234 is EUR 12.34. */
  amount?: number;
  currencyCode?: string;
  currencyExponent?: string;
  progressReportLanguage?: string;
  transactionType?: Uint8Array;
  merchantTransactionReference?: string;
  transactionDateTime?: Uint8Array;
  intermediateResultMode?: Uint8Array;
  transactionMode?: Uint8Array;
  authorisationCode?: string;
  token?: Uint8Array;
};

export type ConnectionParameters = RawFields & {
  connectionTimeout?: string;
  connectionRetries?: string;
  /** BCD digits; the deployed box sends "5005". */
  keepAliveInterval?: string;
};

export type PrintData = RawFields & {
  printOrigin?: number;
  paperWidth?: Uint8Array;
};

export type TicketRecord = RawFields & {
  ticketType?: number;
  ticketHeader?: string;
  ticketBody?: string;
  ticketFooter?: string;
};

/** Fields of every other group (TransactionInformation, Settings, …): any known field may appear. */
export type FieldGroup = RawFields & { [name: string]: FieldValue | undefined };

export type FieldValue = number | bigint | string | Uint8Array | FieldGroup | readonly TicketRecord[];

/**
 * The body of a typed message, fields in wire order. Every field is optional:
 * which ones a message carries is the sender's business, and the decoder keeps
 * whatever arrives.
 */
export type Body = RawFields & {
  transactionStage?: number;
  stageMessage?: string;
  keepAliveReason?: number;
  resultCode?: number;
  byeReason?: number;
  language?: string;
  terminalState?: number;
  transactionId?: bigint;
  printResult?: Uint8Array;
  merchantText?: string;
  cancelReason?: number;
  transactionResult?: number;
  transactionData?: TransactionData;
  connectionParameters?: ConnectionParameters;
  printData?: PrintData;
  tickets?: readonly TicketRecord[];
  transactionInformation?: FieldGroup;
  settings?: FieldGroup;
  settingsResult?: FieldGroup;
  applicationId?: string;
  logicalId?: string;
  serialNumber?: string;
  versionNumber?: string;
  versionString?: string;
  extraInformationName?: string;
  extraInformationValue?: string;
  extraInformationUnit?: string;
  totalsType?: Uint8Array;
  infoType?: Uint8Array;
  cardBrandIdentifier?: string;
  cardholderLanguage?: string;
  acquirerIdentifier?: Uint8Array;
  acquirerLabelName?: string;
};

export interface Header {
  /** BCD digits, e.g. "00000100"; the box echoes the terminal's. */
  readonly protocolId: string;
  readonly terminalId: string;
  /** The deployed box sends "odoo"; a terminal's HelloRequest has none. */
  readonly ecrId?: string | undefined;
  /** 0..65535. */
  readonly sequenceNumber: number;
}

/** A node of a raw TLV tree: constructed tags hold children, primitive ones a value. */
export type TlvNode = { readonly tag: number; readonly value: Uint8Array } | { readonly tag: number; readonly children: readonly TlvNode[] };

export interface TypedMessage {
  readonly type: TypedMessageName;
  readonly typeId: number;
  readonly header: Header;
  readonly body: Body;
  /** The MDC found in the frame's footer (decoding only; encoding computes it). */
  readonly mdc?: number;
}

export interface GenericMessage {
  /** `PrintRequest`, `AcquirerDownload`, `TransparentMode`, … or `Unknown`. */
  readonly type: string;
  readonly typeId: number;
  readonly header: Header;
  /** The body's TLVs, as a raw tree. */
  readonly tlv: readonly TlvNode[];
  readonly mdc?: number;
}

export type Message = TypedMessage | GenericMessage;

/** What `encodeFrame` takes: `typeId` may be left out for typed messages. */
export type MessageInput = (Omit<TypedMessage, 'typeId' | 'mdc'> & { readonly typeId?: number }) | Omit<GenericMessage, 'mdc'>;

export function isTyped(message: Message): message is TypedMessage {
  return 'body' in message;
}
