/**
 * The TransactionId (tag 1A) a box sends a terminal for a payment or refund: the first 52 bits
 * (13 hex digits) of its UUID, a safe integer, as the deployed POS derives it. It is part of the
 * contract because both sides rely on it: the box sends it and matches LastTransaction answers by
 * it, and the server refuses any box event that names another transaction for the payment
 * (DESIGN.md, Security rules).
 */

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Bits of the UUID that make the TransactionId. */
export const TRANSACTION_ID_BITS = 52;

/** The payment's (or refund's) TransactionId; throws a TypeError for a string that is not a UUID. */
export function transactionIdFromUuid(uuid: string): bigint {
  if (typeof uuid !== 'string' || !UUID.test(uuid)) throw new TypeError(`not a UUID: ${JSON.stringify(uuid)}`);
  return BigInt(`0x${uuid.replace(/-/g, '').slice(0, TRANSACTION_ID_BITS / 4)}`);
}
