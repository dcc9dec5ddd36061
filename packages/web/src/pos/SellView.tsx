import type { PosSession, Product } from '@kassa/contract';
import { useQuery } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { orders } from '../api/endpoints';
import { queries } from '../api/queries';
import { ErrorAlert, LoadState, useDocumentTitle } from '../ui/components';
import { useMoney } from '../ui/hooks';
import { navigate } from '../ui/router';
import type { DraftLine } from '../vat';
import { draftTotals } from '../vat';
import { till } from './storage';
import { Totals } from './Totals';

export function SellView({ session }: { session: PosSession }) {
  const { t } = useTranslation();
  useDocumentTitle(t('pos.products'));
  const loaded = useQuery({ ...queries.products(), select: (list) => list.filter((p) => p.active) });
  const [lines, setLines] = useState<DraftLine[]>(till.draft);
  useEffect(() => till.setDraft(lines), [lines]);

  const add = (product: Product) =>
    setLines((current) => {
      const found = current.find((l) => l.productId === product.id);
      if (found !== undefined) return current.map((l) => (l === found ? { ...l, quantity: l.quantity + 1 } : l));
      return [...current, { productId: product.id, name: product.name, unitPriceCents: product.priceCents, vatRate: product.vatRate, quantity: 1 }];
    });

  return (
    <div className="till">
      <section className="till-products" aria-labelledby="products-title">
        <div className="page-head">
          <h1 id="page-title" tabIndex={-1}>
            <span id="products-title">{t('pos.products')}</span>
          </h1>
          <span className="help">{t('pos.session', { id: session.id })}</span>
          <a href="#/pos/orders">{t('orders.title')}</a>
          <a href="#/pos/close">{t('pos.closeSession')}</a>
        </div>
        <OpenOrdersNotice sessionId={session.id} />
        <LoadState query={loaded}>{(list) => <ProductPicker products={list} onAdd={add} />}</LoadState>
      </section>
      <DraftOrder session={session} lines={lines} setLines={setLines} />
    </div>
  );
}

/** Tells the cashier about the open orders of the session (from any device), flagged when a card was paid. */
function OpenOrdersNotice({ sessionId }: { sessionId: number }) {
  const { t } = useTranslation();
  // Order events re-read both (`liveCache.ts`).
  const open = useQuery(queries.orders.list({ sessionId, state: 'draft', limit: 1 })).data;
  const attention = useQuery(queries.orders.list({ sessionId, state: 'draft', attention: true, limit: 1 })).data;
  if (open === undefined || open.total === 0) return null;
  const flagged = attention?.total ?? 0;
  return (
    <p className={flagged > 0 ? 'notice notice-bad' : 'notice'} role="status">
      {t('orders.openInSession', { count: open.total })} {flagged > 0 ? t('orders.attentionInSession', { count: flagged }) : null}{' '}
      <a href={`#/pos/orders?session=${sessionId}${flagged > 0 ? '&attention=true' : ''}`}>{t('orders.show')}</a>
    </p>
  );
}

function ProductPicker({ products: list, onAdd }: { products: Product[]; onAdd: (product: Product) => void }) {
  const { t } = useTranslation();
  const money = useMoney();
  const searchId = useId();
  const [query, setQuery] = useState('');
  const shown = list.filter((p) => p.name.toLowerCase().includes(query.trim().toLowerCase()));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const first = shown[0];
    if (first !== undefined) {
      onAdd(first);
      setQuery('');
    }
  };
  return (
    <>
      <form role="search" className="search" onSubmit={submit}>
        <label htmlFor={searchId}>{t('pos.search')}</label>
        <input id={searchId} type="search" value={query} onChange={(e) => setQuery(e.target.value)} aria-describedby={`${searchId}-help`} autoComplete="off" />
        <small id={`${searchId}-help`} className="help">
          {t('pos.searchHelp')}
        </small>
      </form>
      <ul className="product-grid" aria-label={t('pos.products')}>
        {shown.map((p) => (
          <li key={p.id}>
            <button type="button" className="product" onClick={() => onAdd(p)} aria-label={t('pos.addProduct', { name: p.name, price: money(p.priceCents) })}>
              <span className="product-name">{p.name}</span>
              <span className="product-price">{money(p.priceCents)}</span>
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}

function DraftOrder({
  session,
  lines,
  setLines,
}: {
  session: PosSession;
  lines: DraftLine[];
  setLines: (update: (lines: DraftLine[]) => DraftLine[]) => void;
}) {
  const { t } = useTranslation();
  const money = useMoney();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const totals = draftTotals(lines);
  const setQuantity = (productId: number, quantity: number) =>
    setLines((current) =>
      quantity <= 0
        ? current.filter((l) => l.productId !== productId)
        : current.map((l) => (l.productId === productId ? { ...l, quantity: Math.min(quantity, 10_000) } : l)),
    );

  const pay = async () => {
    setBusy(true);
    setError(null);
    // The id is kept before the request, so a request repeated after a lost answer creates one order.
    const orderId = till.runningOrder() ?? crypto.randomUUID();
    till.setRunningOrder(orderId);
    try {
      await orders.put(orderId, { sessionId: session.id, lines: lines.map((l) => ({ productId: l.productId, quantity: l.quantity })) });
      // Written at once: the screen changes before an effect would store the emptied order.
      till.setDraft([]);
      setLines(() => []);
      navigate(`/pos/order/${orderId}`);
    } catch (caught) {
      till.setRunningOrder(null);
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="till-order card" aria-labelledby="order-title">
      <h2 id="order-title">{t('pos.order')}</h2>
      {lines.length === 0 ? <p>{t('pos.emptyOrder')}</p> : null}
      <ul className="order-lines" aria-label={t('pos.order')}>
        {lines.map((line) => (
          <li key={line.productId} className="order-line">
            <span className="line-name">{line.name}</span>
            <span className="qty" role="group" aria-label={t('pos.quantity', { name: line.name })}>
              <button type="button" onClick={() => setQuantity(line.productId, line.quantity - 1)} aria-label={t('pos.less', { name: line.name })}>
                −
              </button>
              <input
                aria-label={t('pos.quantity', { name: line.name })}
                inputMode="numeric"
                value={line.quantity}
                onChange={(e) => {
                  const quantity = Number(e.target.value);
                  if (Number.isSafeInteger(quantity)) setQuantity(line.productId, quantity);
                }}
              />
              <button type="button" onClick={() => setQuantity(line.productId, line.quantity + 1)} aria-label={t('pos.more', { name: line.name })}>
                +
              </button>
            </span>
            <span className="num">{money(line.unitPriceCents * line.quantity)}</span>
            <button type="button" className="link" onClick={() => setQuantity(line.productId, 0)} aria-label={t('pos.removeLine', { name: line.name })}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <Totals totalCents={totals.totalCents} vatCents={totals.vatCents} vat={totals.vat} />
      <ErrorAlert error={error} />
      <div className="row">
        <button type="button" className="primary big" disabled={lines.length === 0 || busy} onClick={() => void pay()}>
          {t('pos.pay')} {money(totals.totalCents)}
        </button>
        <button type="button" disabled={lines.length === 0} onClick={() => setLines(() => [])}>
          {t('pos.clear')}
        </button>
      </div>
    </section>
  );
}
