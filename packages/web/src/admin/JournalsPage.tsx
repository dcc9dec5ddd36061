import type { Journal, JournalBody } from '@kassa/contract';
import { useQuery } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { journals } from '../api/endpoints';
import { queries } from '../api/queries';
import { queryKeys } from '../api/queryKeys';
import { useChange } from '../api/useChange';
import { fieldErrors } from '../i18n/errors';
import { DataTable, ErrorAlert, Field, LoadState, Page } from '../ui/components';

export function JournalsPage() {
  const { t } = useTranslation();
  const loaded = useQuery(queries.journals());
  const removing = useChange(queryKeys.journals);
  const remove = (journal: Journal) => removing.mutate(() => journals.remove(journal.id));
  return (
    <Page title={t('journals.title')}>
      <JournalForm onSaved={() => void loaded.refetch()} />
      <ErrorAlert error={removing.error} />
      <LoadState query={loaded}>
        {(list) =>
          list.length === 0 ? (
            <p>{t('journals.empty')}</p>
          ) : (
            <DataTable label={t('journals.title')} columns={[t('app.name'), t('journals.type'), t('app.actions')]}>
              {list.map((journal) => (
                <tr key={journal.id}>
                  <th scope="row">{journal.name}</th>
                  <td>{t(`journals.${journal.type}`)}</td>
                  <td>
                    <button type="button" onClick={() => remove(journal)} aria-label={`${t('app.remove')} ${journal.name}`}>
                      {t('app.remove')}
                    </button>
                  </td>
                </tr>
              ))}
            </DataTable>
          )
        }
      </LoadState>
    </Page>
  );
}

function JournalForm({ onSaved }: { onSaved: () => void }) {
  const { t } = useTranslation();
  const [body, setBody] = useState<JournalBody>({ name: '', type: 'bank' });
  const [error, setError] = useState<unknown>(null);
  const { errorFor, formError } = fieldErrors(t, error, ['name']);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await journals.create(body);
      setBody({ name: '', type: body.type });
      onSaved();
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <form className="card row-form" aria-labelledby="journal-form-title" onSubmit={(e) => void submit(e)}>
      <h2 id="journal-form-title">{t('journals.add')}</h2>
      <Field label={t('app.name')} error={errorFor('name')}>
        {(props) => <input {...props} value={body.name} onChange={(e) => setBody({ ...body, name: e.target.value })} required maxLength={120} />}
      </Field>
      <Field label={t('journals.type')}>
        {(props) => (
          <select {...props} value={body.type} onChange={(e) => setBody({ ...body, type: e.target.value === 'cash' ? 'cash' : 'bank' })}>
            <option value="bank">{t('journals.bank')}</option>
            <option value="cash">{t('journals.cash')}</option>
          </select>
        )}
      </Field>
      <button type="submit" className="primary">
        {t('journals.add')}
      </button>
      <ErrorAlert error={formError} />
    </form>
  );
}
