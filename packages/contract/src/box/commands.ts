import type { Static } from 'typebox';
import { Type } from 'typebox';
import { AmountCents, PaymentUuid, TerminalId } from './schemas.js';

/**
 * What the server asks a box to do. Every command names the payment: the box derives the
 * TransactionId from its UUID and never starts a second terminal transaction for the same UUID.
 */
export const StartTransactionCommand = Type.Object(
  { kind: Type.Literal('startTransaction'), paymentUuid: PaymentUuid, terminalId: TerminalId, amountCents: AmountCents },
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

export const BoxCommand = Type.Union([StartTransactionCommand, CancelTransactionCommand, RecoverTransactionCommand]);
export type BoxCommand = Static<typeof BoxCommand>;
export type BoxCommandKind = BoxCommand['kind'];
