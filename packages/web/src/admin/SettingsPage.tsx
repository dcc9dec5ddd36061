import type { Company } from '@kassa/contract';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client';
import { company as companyApi } from '../api/endpoints';
import { queries } from '../api/queries';
import { queryKeys } from '../api/queryKeys';
import { errorText } from '../i18n/errors';
import { ErrorAlert, Field, LoadState, Page } from '../ui/components';

export function SettingsPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const loaded = useQuery(queries.company());
  return (
    <Page title={t('settings.title')}>
      <LoadState query={loaded}>{(company) => <SettingsForms company={company} onSaved={(c) => queryClient.setQueryData(queryKeys.company, c)} />}</LoadState>
    </Page>
  );
}

function SettingsForms({ company, onSaved }: { company: Company; onSaved: (company: Company) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(company.name);
  const [country, setCountry] = useState(company.country);
  const [companyError, setCompanyError] = useState<unknown>(null);
  const [switchError, setSwitchError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const saveCompany = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setSaved(false);
    setCompanyError(null);
    try {
      onSaved(await companyApi.update({ name, country: country.toUpperCase() }));
      setSaved(true);
    } catch (caught) {
      setCompanyError(caught);
    } finally {
      setBusy(false);
    }
  };

  const toggleIngenico = async (enabled: boolean) => {
    setBusy(true);
    setSwitchError(null);
    try {
      onSaved(await companyApi.update({ ingenicoEnabled: enabled }));
    } catch (caught) {
      setSwitchError(caught);
    } finally {
      setBusy(false);
    }
  };

  const countryRefused =
    isApiError(companyError, 'KASSA_COUNTRY_UNKNOWN') ||
    isApiError(companyError, 'KASSA_INGENICO_IN_USE') ||
    isApiError(companyError, 'KASSA_INGENICO_COUNTRY');
  return (
    <div className="stack">
      <form className="card" aria-labelledby="company-title" onSubmit={(e) => void saveCompany(e)}>
        <h2 id="company-title">{t('settings.company')}</h2>
        <Field label={t('settings.companyName')}>
          {(props) => <input {...props} value={name} onChange={(e) => setName(e.target.value)} required maxLength={120} />}
        </Field>
        <Field label={t('settings.country')} help={t('settings.countryHelp')} error={countryRefused ? errorText(t, companyError) : null}>
          {(props) => <input {...props} value={country} onChange={(e) => setCountry(e.target.value)} required minLength={2} maxLength={2} className="short" />}
        </Field>
        <p>{t('settings.vatRates', { rates: company.vatRates.map((r) => `${r}%`).join(', ') })}</p>
        {countryRefused ? null : <ErrorAlert error={companyError} />}
        <div className="row">
          <button type="submit" className="primary" disabled={busy}>
            {t('app.save')}
          </button>
          {saved ? <span role="status">{t('app.saved')}</span> : null}
        </div>
      </form>
      <fieldset className="card">
        <legend>{t('settings.terminals')}</legend>
        <div className={switchError === null ? 'field' : 'field field-error'}>
          <label className="switch">
            <input
              type="checkbox"
              role="switch"
              checked={company.ingenicoEnabled}
              disabled={busy}
              aria-describedby="ingenico-help ingenico-error"
              aria-invalid={switchError !== null}
              onChange={(e) => void toggleIngenico(e.target.checked)}
            />
            <span>{t('settings.ingenico')}</span>
          </label>
          <small id="ingenico-help" className="help">
            {t('settings.ingenicoHelp')}
          </small>
          <small id="ingenico-error" className="error" role={switchError === null ? undefined : 'alert'}>
            {switchError === null ? '' : errorText(t, switchError)}
          </small>
        </div>
      </fieldset>
    </div>
  );
}
