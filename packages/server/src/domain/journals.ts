import { KassaError } from './errors.js';

export const JOURNAL_TYPES = ['bank', 'cash'] as const;
export type JournalType = (typeof JOURNAL_TYPES)[number];

export interface Journal {
  readonly id: number;
  readonly name: string;
  readonly type: JournalType;
}

/** A journal that payment methods still point to cannot be deleted or change type under them. */
export function checkJournalChange({ journal, nextType, methodCount }: { journal: Journal; nextType: JournalType | 'deleted'; methodCount: number }): void {
  if (methodCount > 0 && nextType !== journal.type) {
    throw new KassaError('KASSA_JOURNAL_IN_USE', undefined, { journalId: journal.id, methods: methodCount });
  }
}
