import type { Static } from 'typebox';
import { Type } from 'typebox';
import { AmountCents, PaymentUuid, TerminalId, TransactionKind, TransactionTypeHex } from './schemas.js';

/**
 * What the server asks a box to do: the one vocabulary of commands. The server stores a command as
 * this object (checked with `checkBoxCommand` where it is written and where it is read back), sends
 * it in a `BoxCommandMessage`, and the box journals and runs it as is. Every command names the
 * payment: the box derives the TransactionId from its UUID and never starts a second terminal
 * transaction for the same UUID.
 */
export const StartTransactionCommand = Type.Object(
  {
    kind: Type.Literal('startTransaction'),
    paymentUuid: PaymentUuid,
    terminalId: TerminalId,
    amountCents: AmountCents,
    /** Absent: a purchase (what every box before refunds understood). */
    transactionKind: Type.Optional(TransactionKind),
    /** Absent: DEFAULT_TRANSACTION_TYPE of the kind (a purchase sends none at all). */
    transactionType: Type.Optional(TransactionTypeHex),
  },
  { additionalProperties: false },
);
/** Sends CancelRequest; the terminal's answer and final result decide what happened. */
export const CancelTransactionCommand = Type.Object(
  { kind: Type.Literal('cancelTransaction'), paymentUuid: PaymentUuid, terminalId: TerminalId },
  { additionalProperties: false },
);
/** "Check again": ask the terminal for its last transaction and settle the payment from its answer. */
export const RecoverTransactionCommand = Type.Object(
  { kind: Type.Literal('recoverTransaction'), paymentUuid: PaymentUuid, terminalId: TerminalId },
  { additionalProperties: false },
);

/** The longest reason a releaseTransaction carries. */
export const MAX_RELEASE_REASON = 500;

/**
 * A person settled the payment by hand (force done / mark failed) while its answer was lost: the box
 * stops waiting for it, so the terminal takes payments again. Only an `unknown` transaction is
 * released; one the terminal is still reporting on runs to its end.
 */
export const ReleaseTransactionCommand = Type.Object(
  { kind: Type.Literal('releaseTransaction'), paymentUuid: PaymentUuid, terminalId: TerminalId, reason: Type.String({ maxLength: MAX_RELEASE_REASON }) },
  { additionalProperties: false },
);

export const BoxCommand = Type.Union([StartTransactionCommand, CancelTransactionCommand, RecoverTransactionCommand, ReleaseTransactionCommand]);
export type BoxCommand = Static<typeof BoxCommand>;
export type BoxCommandKind = BoxCommand['kind'];
export type BoxCommandOf<K extends BoxCommandKind> = Extract<BoxCommand, { kind: K }>;
