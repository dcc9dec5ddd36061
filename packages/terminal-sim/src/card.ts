/**
 * The emulated cards. The identifiers sent in CardBrandIdentifier (DF5F, bcd 2)
 * are the emulator's own numbering: the real acquirer table is not public.
 */
export interface CardBrand {
  /** Four BCD digits, as sent in DF5F. */
  readonly identifier: string;
  readonly scheme: string;
  /** First digits of the emulated PAN. */
  readonly panPrefix: string;
}

export const CARD_BRANDS: readonly CardBrand[] = [
  { identifier: '0001', scheme: 'BANCONTACT', panPrefix: '6703' },
  { identifier: '0002', scheme: 'MAESTRO', panPrefix: '6759' },
  { identifier: '0003', scheme: 'VISA', panPrefix: '4921' },
  { identifier: '0004', scheme: 'MASTERCARD', panPrefix: '5413' },
];

/** The card a customer presents for a transaction: chosen from its id, so a rerun gives the same card. */
export function cardFor(transactionId: bigint): { brand: CardBrand; maskedPan: string; authorisationCode: string } {
  const brand = CARD_BRANDS[Number(transactionId % BigInt(CARD_BRANDS.length))]!;
  const last4 = String(transactionId % 10_000n).padStart(4, '0');
  const maskedPan = `${brand.panPrefix} **** **** ${last4}`;
  const authorisationCode = String((transactionId * 7919n + 104_729n) % 1_000_000n).padStart(6, '0');
  return { brand, maskedPan, authorisationCode };
}

export function brandByIdentifier(identifier: string): CardBrand | undefined {
  return CARD_BRANDS.find((b) => b.identifier === identifier);
}
