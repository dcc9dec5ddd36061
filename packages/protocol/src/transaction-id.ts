import { TlvError, TlvErrorCode } from './errors.js';

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Bits of the UUID that make the TransactionId: 52, as the deployed POS takes them. */
export const TRANSACTION_ID_BITS = 52;

/**
 * The TransactionId (tag 1A) of a payment: the first 52 bits (13 hex digits) of
 * its UUID, a safe integer. The same payment always gets the same id, so a
 * terminal's LastTransaction answer can be matched to the payment it belongs to.
 */
export function transactionIdFromUuid(uuid: string): bigint {
  if (typeof uuid !== 'string' || !UUID.test(uuid)) {
    throw new TlvError(TlvErrorCode.BadValue, `not a UUID: ${JSON.stringify(uuid)}`, { path: 'uuid' });
  }
  return BigInt(`0x${uuid.replace(/-/g, '').slice(0, TRANSACTION_ID_BITS / 4)}`);
}
