import { KassaError } from './errors.js';

/** The kinds of configuration whose names must be unique among their kind. */
export type NamedKind = 'Journal' | 'Payment method' | 'POS configuration' | 'Product';

/** A name as people type it, trimmed; a blank one is refused naming the field. */
export function cleanName(name: string, field = 'name'): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new KassaError('KASSA_NAME_BLANK', `${field}: a name cannot be blank.`, { field, reason: 'blank' });
  return trimmed;
}

/**
 * A name is unique among its kind, whatever its case: two "Card" methods would be the same choice
 * twice on the cashier's screen. `others` are the names of the other objects of that kind.
 */
export function checkNameFree({ kind, name, others, field = 'name' }: { kind: NamedKind; name: string; others: readonly string[]; field?: string }): void {
  const key = name.toLocaleLowerCase();
  if (others.some((other) => other.trim().toLocaleLowerCase() === key)) {
    throw new KassaError('KASSA_NAME_TAKEN', `${field}: a ${kind.toLowerCase()} named "${name}" exists already.`, { field, reason: 'taken', kind, name });
  }
}

/** A username as typed, trimmed like other names (" cashier" is "cashier"); a blank one is refused. */
export function cleanUsername(username: string): string {
  return cleanName(username, 'username');
}

/**
 * Usernames are unique whatever their case ("Cashier" beside "cashier" would be two people no one
 * tells apart at login): the refusal carries the username so that clients say it in their words.
 */
export function usernameTaken(username: string): KassaError {
  return new KassaError('KASSA_CONFLICT', `User ${username} exists.`, { field: 'username', reason: 'taken', username });
}
