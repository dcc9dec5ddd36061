import type { Body } from '@kassa/protocol';
import type { ResultName } from './texts.js';

/** One transaction the terminal ran to a result: the ground truth to compare a box's records with. */
export interface LedgerEntry {
  readonly transactionId: bigint;
  readonly amountCents: number;
  readonly result: ResultName;
  readonly authorisationCode?: string;
  /** CardBrandIdentifier as sent (DF5F digits, see README); absent when no card was read. */
  readonly cardBrand?: string;
  /** The scheme's name (VISA, BANCONTACT, …) when a card was read. */
  readonly cardScheme?: string;
  /** True when the final TransactionResponse was written to a live socket. */
  readonly reportedToBox: boolean;
  readonly startedAt: Date;
  readonly finishedAt: Date;
}

/** A finished transaction with the fields its final TransactionResponse carried, for LastTransaction. */
export interface FinishedTransaction {
  readonly entry: LedgerEntry;
  readonly finalBody: Body;
}

/** Result codes (tag 16) the emulator answers with; 0000 is OK. */
export const SimResultCode = {
  Ok: 0x0000,
  /** CancelRequest after the card was read: the authorisation is running. */
  CancelTooLate: 0x0001,
  /** CancelRequest while no transaction runs. */
  NothingToCancel: 0x0002,
  /** LastTransactionRequest before any transaction finished. */
  NoTransaction: 0x0003,
  /** A request type the emulator does not implement. */
  NotSupported: 0x0004,
} as const;
