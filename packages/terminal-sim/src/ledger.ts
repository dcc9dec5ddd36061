import type { Body } from '@kassa/protocol';
import type { ResultName } from './texts.js';

/** One transaction the terminal ran to a result: the ground truth to compare a box's records with. */
export interface LedgerEntry {
  readonly transactionId: bigint;
  /** What the request asked for: a purchase (TransactionType 00 or absent) or a refund (20). */
  readonly kind: TransactionKind;
  /** The amount as sent (always positive). */
  readonly amountCents: number;
  /** The amount with its sign: positive for a purchase, negative for a refund (money back to the card). */
  readonly signedCents: number;
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

/** The two transaction types the emulator runs. */
export type TransactionKind = 'purchase' | 'refund';

/** TransactionType (A3/54) values, the EMV transaction types of PROTOCOL.md "Refunds". */
export const SimTransactionType = { Purchase: 0x00, Refund: 0x20 } as const;

/**
 * The kind a TransactionType asks for: absent or 00 is a purchase, 20 a refund;
 * any other value (cash advance, cashback, …) is not emulated (undefined).
 */
export function transactionKindOf(transactionType: Uint8Array | undefined): TransactionKind | undefined {
  if (transactionType === undefined || transactionType.length === 0) return 'purchase';
  if (transactionType.length !== 1) return undefined;
  if (transactionType[0] === SimTransactionType.Purchase) return 'purchase';
  if (transactionType[0] === SimTransactionType.Refund) return 'refund';
  return undefined;
}

/** Purchases and refunds apart, as the terminal's own totals would show them. Pure. */
export interface LedgerTotals {
  readonly purchases: { readonly count: number; readonly cents: number };
  readonly refunds: { readonly count: number; readonly cents: number };
  /** Purchases minus refunds: what the terminal's acquirer owes the shop. */
  readonly netCents: number;
}

/** Sums the approved transactions of a ledger; refunds count negative in the net. */
export function ledgerTotals(ledger: readonly LedgerEntry[]): LedgerTotals {
  let pc = 0;
  let pn = 0;
  let rc = 0;
  let rn = 0;
  for (const entry of ledger) {
    if (entry.result !== 'Approved') continue;
    if (entry.kind === 'refund') {
      rn += 1;
      rc += entry.amountCents;
    } else {
      pn += 1;
      pc += entry.amountCents;
    }
  }
  return { purchases: { count: pn, cents: pc }, refunds: { count: rn, cents: rc }, netCents: pc - rc };
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
