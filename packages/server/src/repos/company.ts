import type { Company } from '../domain/company.js';
import type { Executor } from './executor.js';

export async function getCompany(db: Executor): Promise<Company | null> {
  const row = await db.selectFrom('company').selectAll().where('id', '=', 1).executeTakeFirst();
  return row === undefined ? null : { name: row.name, country: row.country, ingenicoEnabled: row.ingenico_enabled };
}

export async function saveCompany(db: Executor, company: Company): Promise<void> {
  const values = { id: 1, name: company.name, country: company.country, ingenico_enabled: company.ingenicoEnabled };
  await db
    .insertInto('company')
    .values(values)
    .onConflict((c) => c.column('id').doUpdateSet({ name: values.name, country: values.country, ingenico_enabled: values.ingenico_enabled }))
    .execute();
}
