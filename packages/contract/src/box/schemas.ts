import type { Static } from 'typebox';
import { Type } from 'typebox';

/** Wire-safe building blocks of the box ⇄ server messages. */
export const BoxId = Type.String({ format: 'uuid', description: 'The box identity, made at first start and kept in its data folder.' });
export const PaymentUuid = Type.String({ format: 'uuid', description: 'The payment line UUID: the idempotency key.' });
export const TerminalId = Type.String({ minLength: 1, maxLength: 32, pattern: '^[\\x21-\\x7e]+$' });
/** An event id, unique for the box forever (journal sequence): replays carry the same id. */
export const EventId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9:._-]+$' });
export const CommandId = Type.Integer({ minimum: 1 });
/** TransactionId as a decimal string: it is 8 bytes on the wire and JSON numbers stop at 2^53. */
export const TransactionIdText = Type.String({ pattern: '^[0-9]{1,20}$' });
export const AmountCents = Type.Integer({ minimum: 1, maximum: 99_999_999, description: 'EUR cents; the terminal takes 8 BCD digits.' });
/** What a terminal transaction does with the money: take it (purchase) or give it back to the card (refund). */
export const TransactionKind = Type.Union([Type.Literal('purchase'), Type.Literal('refund')], {
  description: 'purchase takes the amount from the card; refund pays it back. The amount is positive either way.',
});
export type TransactionKind = Static<typeof TransactionKind>;
/**
 * The TransactionType byte (A3/54) as two hex digits, the EMV transaction type: 00 purchase, 20 refund
 * (PROTOCOL.md, "Refunds"). A setting of the payment method; absent means the default for the kind.
 */
export const TransactionTypeHex = Type.String({ pattern: '^[0-9A-Fa-f]{2}$', description: 'TransactionType (A3/54) as two hex digits, e.g. "20".' });
/** The TransactionType a box sends for a kind when the command names none. */
export const DEFAULT_TRANSACTION_TYPE: Readonly<Record<TransactionKind, string>> = { purchase: '00', refund: '20' };
export const At = Type.String({ format: 'date-time' });
export const ErrorCode = Type.String({ pattern: '^[A-Z][A-Z0-9_]*$', maxLength: 64 });

export const TerminalModel = Type.Union([Type.Literal('lane5000'), Type.Literal('desk5000'), Type.Literal('move5000'), Type.Literal('unknown')]);
export type TerminalModel = Static<typeof TerminalModel>;

export const TerminalState = Type.Union([Type.Literal('idle'), Type.Literal('inTransaction'), Type.Literal('unknown')]);
export type TerminalState = Static<typeof TerminalState>;

/** The final results of PROTOCOL.md; a value the protocol does not name arrives as `Unknown`. */
export const TransactionResultName = Type.Union([
  Type.Literal('Approved'),
  Type.Literal('Error'),
  Type.Literal('Declined'),
  Type.Literal('Stopped'),
  Type.Literal('TechnicalProblem'),
  Type.Literal('TransparentMode'),
  Type.Literal('Unknown'),
]);
export type TransactionResultName = Static<typeof TransactionResultName>;

export const DeviceReport = Type.Object(
  {
    terminalId: TerminalId,
    model: TerminalModel,
    serialNumber: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
    address: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
    online: Type.Boolean(),
    lastSeen: At,
    state: TerminalState,
  },
  { additionalProperties: false },
);
export type DeviceReport = Static<typeof DeviceReport>;

export const Ticket = Type.Object(
  {
    /** TicketType tag 4A as sent by the terminal, or null when absent. */
    type: Type.Union([Type.Integer({ minimum: 0, maximum: 255 }), Type.Null()]),
    header: Type.Union([Type.String({ maxLength: 4096 }), Type.Null()]),
    text: Type.String({ maxLength: 16_384 }),
    footer: Type.Union([Type.String({ maxLength: 4096 }), Type.Null()]),
  },
  { additionalProperties: false },
);
export type Ticket = Static<typeof Ticket>;
