import type { Body } from '@kassa/protocol';
import { SimResultCode, type FinishedTransaction } from './ledger.js';
import { modelInfo, type ModelName } from './models.js';

/** Default keep-alive interval when the HelloResponse gives none the emulator can read. */
export const DEFAULT_KEEP_ALIVE_MS = 5000;
const MIN_KEEP_ALIVE_MS = 1000;
const MAX_KEEP_ALIVE_MS = 600_000;

/**
 * Reads KeepAliveInterval (A4/49, BCD). The deployed box sends "5005"; the
 * emulator reads the digits as milliseconds (5005 → about 5 s), clamped to
 * 1 s … 10 min. (Reading the low byte as seconds, "05", gives the same 5 s.)
 */
export function keepAliveIntervalFrom(body: Body): number {
  const digits = body.connectionParameters?.keepAliveInterval;
  if (typeof digits !== 'string' || !/^\d+$/.test(digits)) return DEFAULT_KEEP_ALIVE_MS;
  const ms = Number(digits);
  if (ms === 0) return DEFAULT_KEEP_ALIVE_MS;
  return Math.min(MAX_KEEP_ALIVE_MS, Math.max(MIN_KEEP_ALIVE_MS, ms));
}

export function versionBody(model: ModelName, serialNumber: string): Body {
  const info = modelInfo(model);
  return {
    resultCode: SimResultCode.Ok,
    applicationId: info.applicationId,
    serialNumber,
    versionNumber: info.versionNumber,
    versionString: info.versionString,
  };
}

/** LastTransactionResponse: the last finished transaction as its final TransactionResponse told it, reported or not. */
export function lastTransactionBody(last: FinishedTransaction | undefined): Body {
  if (last === undefined) return { resultCode: SimResultCode.NoTransaction };
  const { transactionResult, transactionId, transactionData, cardBrandIdentifier, tickets } = last.finalBody;
  return {
    resultCode: SimResultCode.Ok,
    transactionStage: 4,
    transactionResult,
    transactionId,
    transactionData,
    ...(cardBrandIdentifier !== undefined ? { cardBrandIdentifier } : {}),
    ...(tickets !== undefined ? { tickets } : {}),
  };
}

export function lastTicketBody(last: FinishedTransaction | undefined): Body {
  const tickets = last?.finalBody.tickets;
  if (tickets === undefined) return { resultCode: SimResultCode.NoTransaction };
  return { resultCode: SimResultCode.Ok, transactionId: last!.entry.transactionId, tickets };
}
