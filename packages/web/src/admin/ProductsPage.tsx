import type { Company, Product, ProductBody } from '@kassa/contract';
import { useQuery } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { products } from '../api/endpoints';
import { queries } from '../api/queries';
import { queryKeys } from '../api/queryKeys';
import { allOf } from '../api/queryState';
import { useChange } from '../api/useChange';
import { errorText, fieldErrors } from '../i18n/errors';
import { parseCents } from '../money';
import { DataTable, ErrorAlert, Field, LoadState, Page } from '../ui/components';
import { useCentsInput, useMoney } from '../ui/hooks';

export function ProductsPage() {
  const { t } = useTranslation();
  const money = useMoney();
  const list = useQuery(queries.products());
  const loaded = allOf(list, useQuery(queries.company()));
  const switching = useChange(queryKeys.products);
  const [editing, setEditing] = useState<Product | null>(null);
  const setActive = (product: Product, active: boolean) =>
    switching.mutate(() => products.update(product.id, { name: product.name, priceCents: product.priceCents, vatRate: product.vatRate, active }));
  return (
    <Page title={t('products.title')}>
      <LoadState query={loaded}>
        {([productList, company]) => (
          <>
            <ProductForm
              key={editing?.id ?? 'new'}
              company={company}
              editing={editing}
              onDone={() => {
                setEditing(null);
                void list.refetch();
              }}
              onCancel={() => setEditing(null)}
            />
            <ErrorAlert error={switching.error} />
            {productList.length === 0 ? (
              <p>{t('products.empty')}</p>
            ) : (
              <DataTable
                label={t('products.title')}
                columns={[
                  t('app.name'),
                  { label: t('products.price'), numeric: true },
                  { label: t('products.vat'), numeric: true },
                  t('products.active'),
                  t('app.actions'),
                ]}
              >
                {productList.map((p) => (
                  <tr key={p.id}>
                    <th scope="row">{p.name}</th>
                    <td className="num">{money(p.priceCents)}</td>
                    <td className="num">{p.vatRate}%</td>
                    <td>
                      <label className="check">
                        <input type="checkbox" checked={p.active} onChange={(e) => setActive(p, e.target.checked)} />
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
      <Field label={t('app.name')} error={errorFor('name')}>
        {(props) => <input {...props} value={name} onChange={(e) => setName(e.target.value)} required maxLength={120} />}
      </Field>
      <Field label={t('products.price')} error={priceError ?? errorFor('priceCents')}>
        {(props) => (
          <input {...props} inputMode="decimal" value={price} placeholder={toInput(0)} onChange={(e) => setPrice(e.target.value)} required className="short" />
        )}
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
