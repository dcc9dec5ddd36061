import { ByeReason, CancelReason, PRINT_ORIGIN_CASH_REGISTER, RESULT_OK, type Body, type TypedMessageName } from '@kassa/protocol';

/** A message the box sends, before the session adds the header. */
export interface Outgoing {
  readonly type: TypedMessageName;
  readonly body: Body;
}

/** The KeepAliveInterval the deployed box sends (tag 49, BCD digits). */
export const DEFAULT_KEEP_ALIVE_INTERVAL = '5005';

export function helloResponse(keepAliveInterval: string): Outgoing {
  return { type: 'HelloResponse', body: { resultCode: RESULT_OK, connectionParameters: { keepAliveInterval } } };
}

/** Echoes the reason the terminal gave; a request without one gets an answer without one. */
export function keepAliveResponse(reason: number | undefined): Outgoing {
  return { type: 'KeepAliveResponse', body: reason === undefined ? { resultCode: RESULT_OK } : { keepAliveReason: reason, resultCode: RESULT_OK } };
}

export function byeResponse(): Outgoing {
  return { type: 'ByeResponse', body: { resultCode: RESULT_OK } };
}

/** The box stops and asks the terminal to come back later. */
export function byeRequest(): Outgoing {
  return { type: 'ByeRequest', body: { byeReason: ByeReason.Reconnect } };
}

/**
 * A payment or a refund: `transactionType` (two hex digits, A3/54) is sent when given; a purchase
 * without one sends none, as the deployed box does.
 */
export function transactionRequest(transactionId: bigint, amountCents: number, transactionType?: string): Outgoing {
  const transactionData =
    transactionType === undefined ? { amount: amountCents } : { amount: amountCents, transactionType: Uint8Array.of(Number.parseInt(transactionType, 16)) };
  return {
    type: 'TransactionRequest',
    body: { transactionId, transactionData, printData: { printOrigin: PRINT_ORIGIN_CASH_REGISTER } },
  };
}

export function cancelRequest(): Outgoing {
  return { type: 'CancelRequest', body: { cancelReason: CancelReason.Manual } };
}

/** PROTOCOL.md: the body is not confirmed; the box names the transaction it asks about and checks the answer's id. */
export function lastTransactionRequest(transactionId: bigint): Outgoing {
  return { type: 'LastTransactionRequest', body: { transactionId } };
}

export function versionInformationRequest(): Outgoing {
  return { type: 'VersionInformationRequest', body: {} };
}
