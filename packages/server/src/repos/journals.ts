import type { Journal, JournalType } from '../domain/journals.js';
import type { Executor } from './executor.js';

export async function listJournals(db: Executor): Promise<Journal[]> {
  return db.selectFrom('journals').select(['id', 'name', 'type']).orderBy('id').execute();
}

export async function getJournal(db: Executor, id: number): Promise<Journal | null> {
  return (await db.selectFrom('journals').select(['id', 'name', 'type']).where('id', '=', id).executeTakeFirst()) ?? null;
}

export async function createJournal(db: Executor, journal: { name: string; type: JournalType }): Promise<Journal> {
  return db.insertInto('journals').values(journal).returning(['id', 'name', 'type']).executeTakeFirstOrThrow();
}

export async function updateJournal(db: Executor, id: number, journal: { name: string; type: JournalType }): Promise<Journal | null> {
  return (await db.updateTable('journals').set(journal).where('id', '=', id).returning(['id', 'name', 'type']).executeTakeFirst()) ?? null;
}

export async function deleteJournal(db: Executor, id: number): Promise<void> {
  await db.deleteFrom('journals').where('id', '=', id).execute();
}

export async function countMethodsOfJournal(db: Executor, journalId: number): Promise<number> {
  const row = await db
    .selectFrom('payment_methods')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('journal_id', '=', journalId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
