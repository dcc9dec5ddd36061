import type { PaymentMethod, PosConfig } from '@kassa/contract';
import { useQuery } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { posConfigs } from '../api/endpoints';
import { queries } from '../api/queries';
import { allOf } from '../api/queryState';
import { fieldErrors } from '../i18n/errors';
import { ErrorAlert, Field, LoadState, Page } from '../ui/components';
import { ArchiveActions } from './ArchiveActions';

export function PosConfigsPage() {
  const { t } = useTranslation();
  const configs = useQuery(queries.posConfigs());
  const methods = useQuery(queries.paymentMethods());
  return (
    <Page title={t('posConfigs.title')}>
      <LoadState query={allOf(configs, methods)}>
        {([configList, methodList]) => (
          <div className="stack">
            {configList.length === 0 ? <p>{t('posConfigs.empty')}</p> : null}
            {configList.map((config) => (
              <PosConfigForm key={config.id} config={config} methods={methodList} onSaved={() => void configs.refetch()} />
            ))}
            <PosConfigForm key={`new:${configList.length}`} config={null} methods={methodList} onSaved={() => void configs.refetch()} />
          </div>
        )}
      </LoadState>
    </Page>
  );
}

function PosConfigForm({ config, methods, onSaved }: { config: PosConfig | null; methods: PaymentMethod[]; onSaved: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(config?.name ?? '');
  const [shop, setShop] = useState(config?.shop ?? '');
  const [selected, setSelected] = useState<number[]>(config?.paymentMethodIds ?? []);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const titleId = `pos-${config?.id ?? 'new'}-title`;
  const { errorFor, formError } = fieldErrors(t, error, ['name', 'shop', 'paymentMethodIds']);
  const methodsError = errorFor('paymentMethodIds');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    try {
      const body = { name, shop: shop.trim() === '' ? null : shop, paymentMethodIds: selected };
      if (config === null) await posConfigs.create(body);
      else await posConfigs.update(config.id, body);
      setSaved(true);
      onSaved();
    } catch (caught) {
      setError(caught);
    }
  };
  const toggle = (id: number, on: boolean) => setSelected((ids) => (on ? [...ids.filter((x) => x !== id), id] : ids.filter((x) => x !== id)));

  return (
    <form className="card" aria-labelledby={titleId} onSubmit={(e) => void submit(e)}>
      <h2 id={titleId}>
        {config === null ? t('posConfigs.add') : config.name}
        {config?.archived === true ? <span className="note"> — {t('archive.archived')}</span> : null}
      </h2>
      <Field label={t('app.name')} error={errorFor('name')}>
        {(props) => <input {...props} value={name} onChange={(e) => setName(e.target.value)} required maxLength={120} />}
      </Field>
      <Field label={t('posConfigs.shop')} help={t('posConfigs.shopHelp')} error={errorFor('shop')}>
        {(props) => <input {...props} value={shop} onChange={(e) => setShop(e.target.value)} maxLength={80} />}
      </Field>
      <fieldset aria-describedby={methodsError === null ? undefined : `${titleId}-methods-error`} aria-invalid={methodsError !== null}>
        <legend>{t('posConfigs.methods')}</legend>
        {methodsError === null ? null : (
          <p id={`${titleId}-methods-error`} className="error">
            {methodsError}
          </p>
        )}
        {/* An archived method is offered nowhere: it is listed only while this configuration still has it. */}
        {methods
          .filter((m) => !m.archived || selected.includes(m.id))
          .map((m) => (
            <label key={m.id} className="check">
              <input type="checkbox" checked={selected.includes(m.id)} onChange={(e) => toggle(m.id, e.target.checked)} />
              {m.name}
              {m.archived ? ` — ${t('archive.archived')}` : ''}
            </label>
          ))}
      </fieldset>
      <ErrorAlert error={formError} />
      <div className="row">
        <button type="submit" className="primary">
          {config === null ? t('posConfigs.add') : t('app.save')}
        </button>
        {saved ? <span role="status">{t('app.saved')}</span> : null}
      </div>
      {config === null ? null : (
        <ArchiveActions
          name={config.name}
          archived={config.archived}
          archive={() => posConfigs.archive(config.id)}
          restore={() => posConfigs.restore(config.id)}
          remove={() => posConfigs.remove(config.id)}
          onDone={onSaved}
        />
      )}
    </form>
  );
}
