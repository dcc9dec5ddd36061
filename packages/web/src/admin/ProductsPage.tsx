import type { Company, Product, ProductBody } from '@kassa/contract';
import type { FormEvent } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { company, products } from '../api/endpoints';
import { errorText, fieldErrors } from '../i18n/errors';
import { parseCents } from '../money';
import { DataTable, ErrorAlert, Field, LoadState, Page } from '../ui/components';
import { useCentsInput, useLoad, useMoney } from '../ui/hooks';

export function ProductsPage() {
  const { t } = useTranslation();
  const money = useMoney();
  const loaded = useLoad(async () => {
    const [list, c] = await Promise.all([products.list(), company.get()]);
    return { products: list, company: c };
  });
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<Product | null>(null);
  const setActive = async (product: Product, active: boolean) => {
    setError(null);
    try {
      await products.update(product.id, { name: product.name, priceCents: product.priceCents, vatRate: product.vatRate, active });
      await loaded.reload();
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <Page title={t('products.title')}>
      <LoadState query={loaded}>
        {(data) => (
          <>
            <ProductForm
              key={editing?.id ?? 'new'}
              company={data.company}
              editing={editing}
              onDone={() => {
                setEditing(null);
                void loaded.reload();
              }}
              onCancel={() => setEditing(null)}
            />
            <ErrorAlert error={error} />
            {data.products.length === 0 ? (
              <p>{t('products.empty')}</p>
            ) : (
              <DataTable label={t('products.title')} columns={[t('app.name'), { label: t('products.price'), numeric: true }, { label: t('products.vat'), numeric: true }, t('products.active'), t('app.actions')]}>
                {data.products.map((p) => (
                  <tr key={p.id}>
                    <th scope="row">{p.name}</th>
                    <td className="num">{money(p.priceCents)}</td>
                    <td className="num">{p.vatRate}%</td>
                    <td>
                      <label className="check">
                        <input type="checkbox" checked={p.active} onChange={(e) => void setActive(p, e.target.checked)} />
                        <span className="visually-hidden">
                          {t('products.active')}: {p.name}
                        </span>
                      </label>
                    </td>
                    <td>
                      <button type="button" onClick={() => setEditing(p)} aria-label={t('products.editTitle', { name: p.name })}>
                        {t('app.edit')}
                      </button>
                    </td>
                  </tr>
                ))}
              </DataTable>
            )}
          </>
        )}
      </LoadState>
    </Page>
  );
}

/** Adds a product, or edits the one given (its name, price and VAT rate; "for sale" stays as it is). */
function ProductForm({ company: c, editing, onDone, onCancel }: { company: Company; editing: Product | null; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(editing?.name ?? '');
  const toInput = useCentsInput();
  const [price, setPrice] = useState(editing === null ? '' : toInput(editing.priceCents));
  const [vatRate, setVatRate] = useState(editing?.vatRate ?? c.vatRates[0] ?? 0);
  const [error, setError] = useState<unknown>(null);
  const [priceError, setPriceError] = useState<string | null>(null);
  const vatRefused = error !== null && (error as { code?: string }).code === 'KASSA_VAT_RATE';
  const { errorFor, formError } = fieldErrors(t, vatRefused ? null : error, ['name', 'priceCents', 'vatRate']);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const priceCents = parseCents(price);
    setPriceError(priceCents === null ? t('pos.badAmount') : null);
    if (priceCents === null) return;
    const body: ProductBody = { name, priceCents, vatRate, active: editing?.active ?? true };
    try {
      if (editing === null) await products.create(body);
      else await products.update(editing.id, body);
      setName('');
      setPrice('');
      onDone();
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <form className="card row-form" aria-labelledby="product-form-title" onSubmit={(e) => void submit(e)}>
      <h2 id="product-form-title">{editing === null ? t('products.add') : t('products.editTitle', { name: editing.name })}</h2>
      <Field label={t('app.name')} error={errorFor('name')}>{(props) => <input {...props} value={name} onChange={(e) => setName(e.target.value)} required maxLength={120} />}</Field>
      <Field label={t('products.price')} error={priceError ?? errorFor('priceCents')}>
        {(props) => <input {...props} inputMode="decimal" value={price} placeholder={toInput(0)} onChange={(e) => setPrice(e.target.value)} required className="short" />}
      </Field>
      <Field label={t('products.vat')} error={vatRefused ? errorText(t, error) : errorFor('vatRate')}>
        {(props) => (
          <select {...props} value={vatRate} onChange={(e) => setVatRate(Number(e.target.value))}>
            {c.vatRates.map((r) => (
              <option key={r} value={r}>
                {r}%
              </option>
            ))}
          </select>
        )}
      </Field>
      <button type="submit" className="primary">
        {editing === null ? t('products.add') : t('app.save')}
      </button>
      {editing === null ? null : (
        <button type="button" onClick={onCancel}>
          {t('app.cancel')}
        </button>
      )}
      <ErrorAlert error={formError} />
    </form>
  );
}
