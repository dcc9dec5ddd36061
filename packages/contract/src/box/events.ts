import type { Static } from 'typebox';
import { Type } from 'typebox';
import { AmountCents, DeviceReport, PaymentUuid, TerminalId, Ticket, TransactionIdText, TransactionResultName } from './schemas.js';

/** A device appeared, changed, went online or offline. The latest report per terminal wins. */
export const DeviceEvent = Type.Object({ kind: Type.Literal('device'), device: DeviceReport }, { additionalProperties: false });

/** The box sent TransactionRequest to the terminal (the payment is now `waiting`). */
export const TransactionSentEvent = Type.Object(
  { kind: Type.Literal('transactionSent'), paymentUuid: PaymentUuid, terminalId: TerminalId, transactionId: TransactionIdText, amountCents: AmountCents },
  { additionalProperties: false },
);

/** Why a box refused a command; nothing was sent to the terminal. */
export const RefusalCode = Type.Union([
  Type.Literal('TERMINAL_BUSY'),
  Type.Literal('TERMINAL_OFFLINE'),
  Type.Literal('TERMINAL_UNKNOWN'),
  Type.Literal('PAYMENT_MISMATCH'),
  Type.Literal('NO_SUCH_TRANSACTION'),
]);
export type RefusalCode = Static<typeof RefusalCode>;

export const CommandRefusedEvent = Type.Object(
  {
    kind: Type.Literal('commandRefused'),
    commandKind: Type.Union([
      Type.Literal('startTransaction'),
      Type.Literal('cancelTransaction'),
      Type.Literal('recoverTransaction'),
      Type.Literal('releaseTransaction'),
    ]),
    paymentUuid: PaymentUuid,
    terminalId: TerminalId,
    code: RefusalCode,
    message: Type.String({ maxLength: 500 }),
  },
  { additionalProperties: false },
);

/** A TransactionResponse progress update (WaitingForCard, WaitingForPin, …). */
export const TransactionStageEvent = Type.Object(
  {
    kind: Type.Literal('transactionStage'),
    paymentUuid: PaymentUuid,
    terminalId: TerminalId,
    stage: Type.String({ maxLength: 64, description: 'Stage name of PROTOCOL.md, or Stage(n) for a value it does not name.' }),
    stageId: Type.Integer({ minimum: 0, maximum: 255 }),
    /** The transaction the box sent (contract version 2 boxes name it on every event about it). */
    transactionId: Type.Optional(TransactionIdText),
  },
  { additionalProperties: false },
);

/** A text the terminal shows (StageMessage of an InformationReport or TransactionResponse). */
export const TransactionMessageEvent = Type.Object(
  {
    kind: Type.Literal('transactionMessage'),
    paymentUuid: PaymentUuid,
    terminalId: TerminalId,
    text: Type.String({ maxLength: 1000 }),
    transactionId: Type.Optional(TransactionIdText),
  },
  { additionalProperties: false },
);

/** The terminal answered a CancelRequest. `accepted` is only its answer; the final result decides. */
export const CancelAnswerEvent = Type.Object(
  {
    kind: Type.Literal('cancelAnswer'),
    paymentUuid: PaymentUuid,
    terminalId: TerminalId,
    accepted: Type.Boolean(),
    resultCode: Type.Integer({ minimum: 0, maximum: 65_535 }),
    transactionId: Type.Optional(TransactionIdText),
  },
  { additionalProperties: false },
);

/** The final result, with every ticket record the terminal sent, in order. */
export const TransactionResultEvent = Type.Object(
  {
    kind: Type.Literal('transactionResult'),
    paymentUuid: PaymentUuid,
    terminalId: TerminalId,
    transactionId: TransactionIdText,
    result: TransactionResultName,
    resultId: Type.Integer({ minimum: 0, maximum: 255 }),
    amountCents: Type.Union([Type.Integer({ minimum: 0, maximum: 99_999_999 }), Type.Null()]),
    authorisationCode: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
    cardBrand: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
    tickets: Type.Array(Ticket, { maxItems: 16 }),
    /** True when learnt through LastTransactionRequest after the live answer was lost. */
    recovered: Type.Boolean(),
  },
  { additionalProperties: false },
);

/**
 * The answer was lost (box restart, terminal reconnect, timeout): the payment is `unknown` until
 * recovery settles it. Never a guess at the result.
 */
export const TransactionUnknownEvent = Type.Object(
  {
    kind: Type.Literal('transactionUnknown'),
    paymentUuid: PaymentUuid,
    terminalId: TerminalId,
    reason: Type.String({ maxLength: 500 }),
    transactionId: Type.Optional(TransactionIdText),
  },
  { additionalProperties: false },
);

/**
 * Recovery asked the terminal and its last transaction is not this payment: the terminal never ran
 * it, so it was not charged.
 */
export const TransactionNotRunEvent = Type.Object(
  {
    kind: Type.Literal('transactionNotRun'),
    paymentUuid: PaymentUuid,
    terminalId: TerminalId,
    reason: Type.String({ maxLength: 500 }),
    transactionId: Type.Optional(TransactionIdText),
  },
  { additionalProperties: false },
);

/** Why a box refused a connection that claimed the TerminalId of a terminal online on it. */
export const TerminalConflictReason = Type.Union([
  /** It dialled from another address than the online terminal. */
  Type.Literal('otherAddress'),
  /** Same address, but its VersionInformation named another serial number. */
  Type.Literal('otherSerialNumber'),
  /** Same address, but it did not answer VersionInformation in time. */
  Type.Literal('notIdentified'),
]);
export type TerminalConflictReason = Static<typeof TerminalConflictReason>;

/**
 * A connection claimed the TerminalId of a terminal online on this box, from another address or
 * with another serial number: the box refused and closed it, and the online terminal's session
 * went on untouched. One event stands for `attempts` refusals of the same claimant (the box
 * reports a claimant at most once a minute, so a flood of attempts is not a flood of events).
 * (Contract version 2.)
 */
export const TerminalConflictEvent = Type.Object(
  {
    kind: Type.Literal('terminalConflict'),
    terminalId: TerminalId,
    address: Type.String({ maxLength: 64 }),
    serialNumber: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
    reason: TerminalConflictReason,
    attempts: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }),
  },
  { additionalProperties: false },
);

export const BoxEvent = Type.Union([
  DeviceEvent,
  TransactionSentEvent,
  CommandRefusedEvent,
  TransactionStageEvent,
  TransactionMessageEvent,
  CancelAnswerEvent,
  TransactionResultEvent,
  TransactionUnknownEvent,
  TransactionNotRunEvent,
  TerminalConflictEvent,
]);
export type BoxEvent = Static<typeof BoxEvent>;
export type BoxEventKind = BoxEvent['kind'];
export type BoxEventOf<K extends BoxEventKind> = Extract<BoxEvent, { kind: K }>;
/** The events about a terminal rather than a payment. */
export type TerminalBoxEvent = BoxEventOf<'device' | 'terminalConflict'>;
/** The events about one payment: each names its paymentUuid. */
export type PaymentBoxEvent = Exclude<BoxEvent, TerminalBoxEvent>;

export function isTerminalBoxEvent(event: BoxEvent): event is TerminalBoxEvent {
  return event.kind === 'device' || event.kind === 'terminalConflict';
}
