/**
 * The refund TransactionType of a payment method as typed in the back office: empty is the default
 * (null: the box sends 20), else two hex digits, kept in upper case; undefined when it is neither.
 */
export function refundTypeOf(text: string): string | null | undefined {
  const typed = text.trim();
  if (typed === '') return null;
  return /^[0-9A-Fa-f]{2}$/.test(typed) ? typed.toUpperCase() : undefined;
}
