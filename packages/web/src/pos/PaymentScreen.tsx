import type { Order, PaymentMethod } from '@kassa/contract';
import { useMutation, useQuery } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client';
import { orders, payments } from '../api/endpoints';
import { queries } from '../api/queries';
import { allOf } from '../api/queryState';
import { parseCents } from '../money';
import { ErrorAlert, Field, LoadState, useDocumentTitle } from '../ui/components';
import { useCentsInput, useMoney } from '../ui/hooks';
import { navigate } from '../ui/router';
import { CancelledOrder, CancelOrder } from './CancelOrder';
import { useOfferedMethods } from './offeredMethods';
import { PaymentLine } from './PaymentLine';
import { PAID_STATES, SETTLED_STATES } from './paymentStatus';
import { changeFor, quickTenders } from './tender';
import { till } from './storage';
import { linesToShow } from './tries';
import { Totals } from './Totals';

interface Data {
  order: Order;
  methods: PaymentMethod[];
}

export function PaymentScreen({ orderId }: { orderId: string }) {
  const { t } = useTranslation();
  useDocumentTitle(t('pos.paymentTitle'));
  // The order follows its events (`liveCache.ts`); the methods are those of its point of sale.
  const order = useQuery(queries.orders.detail(orderId));
  const methods = useOfferedMethods(order.data?.sessionId);
  const reloadOrder = () => void order.refetch();
  // Which terminals are offline, to mark their methods before the cashier chooses one.
  const terminals = useQuery(queries.devices());
  const offlineDeviceIds = terminals.data?.filter((d) => !d.online).map((d) => d.id) ?? [];

  return (
    <section className="page" aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title" tabIndex={-1}>
          {t('pos.paymentTitle')}
        </h1>
      </div>
      <LoadState query={allOf(order, methods)}>
        {([current, offered]) => <PaymentPanel data={{ order: current, methods: offered }} offlineDeviceIds={offlineDeviceIds} onChanged={reloadOrder} />}
      </LoadState>
    </section>
  );
}

function PaymentPanel({ data, offlineDeviceIds, onChanged }: { data: Data; offlineDeviceIds: readonly number[]; onChanged: () => void }) {
  const { t } = useTranslation();
  const money = useMoney();
  const { order, methods } = data;
  // An archived method is offered nowhere; the lines paid through it still show its name.
  const offered = methods.filter((m) => !m.archived);
  const [error, setError] = useState<unknown>(null);
  const [methodId, setMethodId] = useState(offered[0]?.id ?? 0);
  const { paidCents, runningCents } = order;
  const allSettled = order.payments.every((p) => SETTLED_STATES.includes(p.state));
  const canValidate = order.state === 'draft' && allSettled && paidCents === order.totalCents;
  // The change of the last cash line, shown large until the order is validated.
  const lastCash = order.payments.findLast((p) => p.changeCents !== null && PAID_STATES.includes(p.state));
  const changeCents = lastCash?.changeCents ?? 0;
  const validateButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    // One keystroke: once the order can be validated, Enter validates it.
    if (canValidate) validateButton.current?.focus();
  }, [canValidate]);

  const validate = useMutation({
    mutationFn: () => orders.validate(order.id),
    onMutate: () => setError(null),
    onSuccess: () => {
      till.setRunningOrder(null);
      navigate(`/pos/receipt/${order.id}`);
    },
  });
  const backToProducts = async () => {
    setError(null);
    validate.reset();
    try {
      await orders.cancel(order.id);
      till.setDraft(
        order.lines.map((l) => ({ productId: l.productId, name: l.name, unitPriceCents: l.unitPriceCents, vatRate: l.vatRate, quantity: l.quantity })),
      );
      till.setRunningOrder(null);
      navigate('/pos');
    } catch (caught) {
      setError(caught);
    }
  };

  const flag = order.attention ? (
    <p className="attention-banner" role="alert">
      {t(order.state === 'cancelled' ? 'orders.attentionCancelled' : 'orders.attention')}
    </p>
  ) : null;
  if (order.state === 'cancelled') {
    return (
      <>
        {flag}
        <CancelledOrder order={order} methods={methods} onChanged={onChanged} />
      </>
    );
  }
  if (order.state === 'paid') {
    return (
      <p>
        <a href={`#/pos/receipt/${order.id}`}>{t('pos.receipt')}</a>
      </p>
    );
  }
  return (
    <div className="till">
      {flag}
      <section className="card" aria-labelledby="pay-order-title">
        <h2 id="pay-order-title">{t('pos.order')}</h2>
        <ul className="order-lines static">
          {order.lines.map((line) => (
            <li key={line.productId} className="order-line">
              <span className="line-name">
                {line.quantity} × {line.name}
              </span>
              <span className="num">{money(line.totalCents)}</span>
            </li>
          ))}
        </ul>
        <Totals totalCents={order.totalCents} vatCents={order.vatCents} vat={order.vat} />
        {order.payments.length === 0 ? (
          <button type="button" onClick={() => void backToProducts()}>
            {t('pos.backToProducts')}
          </button>
        ) : allSettled ? (
          <CancelOrder order={order} onCancelled={onChanged} />
        ) : null}
      </section>
      <section className="card" aria-labelledby="payments-title">
        <dl className="due">
          {/* While a card runs, nothing paid yet and nothing left to pay say nothing: only what runs shows. */}
          {paidCents > 0 || runningCents === 0 ? (
            <div>
              <dt>{t('pos.paid')}</dt>
              <dd className="num">{money(paidCents)}</dd>
            </div>
          ) : null}
          {runningCents > 0 ? (
            <div>
              <dt>{t('pos.inProgress')}</dt>
              <dd className="num" data-testid="in-progress">
                {money(runningCents)}
              </dd>
            </div>
          ) : null}
          {order.dueCents > 0 || runningCents === 0 ? (
            <div>
              <dt>{t('pos.due')}</dt>
              <dd className="num" data-testid="due">
                {money(order.dueCents)}
              </dd>
            </div>
          ) : null}
        </dl>
        {changeCents > 0 ? (
          <p className="change" role="status" data-testid="change">
            <span>{t('pos.change')}</span> <strong className="num">{money(changeCents)}</strong>
          </p>
        ) : null}
        {order.dueCents > 0 && offered.length === 0 ? (
          <p className="alert" role="alert" data-testid="no-method">
            {t('pos.noMethod')}
          </p>
        ) : order.dueCents > 0 ? (
          <NewPayment
            key={order.dueCents}
            order={order}
            methods={offered}
            offlineDeviceIds={offlineDeviceIds}
            methodId={methodId}
            setMethodId={setMethodId}
            onRequested={onChanged}
          />
        ) : null}
        <h2 id="payments-title">{t('pos.payments')}</h2>
        {order.payments.length === 0 ? <p>{t('pos.noPayments')}</p> : null}
        <ul className="payment-lines" aria-labelledby="payments-title">
          {linesToShow(order.payments, (uuid) => till.retryOf(uuid)).map(({ line, attempt }) => (
            <PaymentLine
              key={line.uuid}
              line={line}
              method={methods.find((m) => m.id === line.methodId)}
              order={order}
              onChanged={onChanged}
              attempt={attempt}
            />
          ))}
        </ul>
        <ErrorAlert error={validate.error ?? error} />
        <div className="row">
          <button
            ref={validateButton}
            type="button"
            className="primary big"
            disabled={!canValidate || validate.isPending}
            aria-describedby="validate-hint"
            onClick={() => validate.mutate()}
          >
            {t('pos.validate')}
          </button>
        </div>
        <small id="validate-hint" className="help">
          {t('pos.validateHint')}
        </small>
      </section>
    </div>
  );
}

interface NewPaymentProps {
  order: Order;
  methods: PaymentMethod[];
  offlineDeviceIds: readonly number[];
  methodId: number;
  setMethodId: (id: number) => void;
  onRequested: () => void;
}

function NewPayment({ order, methods, offlineDeviceIds, methodId, setMethodId, onRequested }: NewPaymentProps) {
  const { t } = useTranslation();
  const money = useMoney();
  const groupId = useId();
  const toInput = useCentsInput();
  const [amount, setAmount] = useState(() => toInput(order.dueCents));
  const [amountError, setAmountError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // A request whose answer was lost is sent again with the same uuid, so it starts one payment.
  const unanswered = useRef<{ uuid: string; key: string } | null>(null);
  const cents = parseCents(amount);
  const method = methods.find((m) => m.id === methodId);
  const isCash = method?.kind === 'cash';
  const change = isCash && cents !== null ? changeFor({ dueCents: order.dueCents, tenderedCents: cents }) : 0;

  const pay = async (amountCents: number) => {
    const key = `${methodId}:${amountCents}`;
    const uuid = unanswered.current?.key === key ? unanswered.current.uuid : crypto.randomUUID();
    unanswered.current = { uuid, key };
    setBusy(true);
    setError(null);
    try {
      await payments.request(uuid, { orderId: order.id, paymentMethodId: methodId, amountCents });
      unanswered.current = null;
      onRequested();
    } catch (caught) {
      if (!isApiError(caught, 'WEB_NETWORK')) unanswered.current = null;
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problem =
      cents === null || cents === 0 ? t('pos.badAmount') : !isCash && cents > order.dueCents ? t('pos.cardAboveDue', { due: money(order.dueCents) }) : null;
    setAmountError(problem);
    if (problem !== null || cents === null) return;
    await pay(cents);
  };

  return (
    <form className="new-payment" aria-label={t('pos.paymentTitle')} onSubmit={(e) => void submit(e)}>
      <fieldset>
        <legend id={groupId}>{t('pos.method')}</legend>
        <div className="methods" role="radiogroup" aria-labelledby={groupId}>
          {methods.map((m) => (
            <label key={m.id} className={m.id === methodId ? 'method selected' : 'method'}>
              <input type="radio" name="method" value={m.id} checked={m.id === methodId} onChange={() => setMethodId(m.id)} />
              {m.name}
              {m.deviceId !== null && offlineDeviceIds.includes(m.deviceId) ? <span className="offline-mark"> — {t('pos.terminalOffline')}</span> : null}
            </label>
          ))}
        </div>
      </fieldset>
      <Field label={isCash ? t('pos.received') : t('pos.amount')} help={isCash ? t('pos.receivedHelp') : t('pos.amountHelp')} error={amountError}>
        {(props) => (
          <input
            {...props}
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            className="short"
            onFocus={(e) => e.target.select()}
          />
        )}
      </Field>
      {isCash ? (
        <>
          <div className="row quick-tenders" role="group" aria-label={t('pos.quickTenders')}>
            {quickTenders(order.dueCents).map((tender) => (
              <button key={tender} type="button" disabled={busy} onClick={() => void pay(tender)}>
                {tender === order.dueCents ? t('pos.exact', { amount: money(tender) }) : money(tender)}
              </button>
            ))}
          </div>
          <p className="change-preview" aria-live="polite">
            {t('pos.change')} <strong className="num">{money(change)}</strong>
          </p>
        </>
      ) : null}
      <ErrorAlert error={error} />
      <button type="submit" className="primary big" disabled={busy || methods.length === 0}>
        {isCash ? t('pos.takeCash', { amount: cents === null ? amount : money(cents) }) : t('pos.payWith', { amount: cents === null ? amount : money(cents) })}
      </button>
    </form>
  );
}
