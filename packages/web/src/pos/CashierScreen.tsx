import type { PosConfig, PosSession } from '@kassa/contract';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client';
import { sessions } from '../api/endpoints';
import { queries } from '../api/queries';
import { queryKeys } from '../api/queryKeys';
import { useAuth } from '../auth';
import { parseCents } from '../money';
import { ErrorAlert, Field, LoadState, Page } from '../ui/components';
import { useCentsInput } from '../ui/hooks';
import { navigate } from '../ui/router';
import { OrdersPage } from '../orders/OrdersPage';
import { CloseSession } from './CloseSession';
import { PaymentScreen } from './PaymentScreen';
import { ReceiptView } from './ReceiptView';
import { ZReportView } from './ZReportView';
import { RefundReceiptView } from './RefundReceiptView';
import { SellView } from './SellView';
import { till } from './storage';

/** The session this till works in: the one it opened, else an open one of the server, else none. */
async function findSession(signal: AbortSignal): Promise<PosSession | null> {
  const stored = till.sessionId();
  if (stored !== null) {
    try {
      const session = await sessions.get(stored, signal);
      if (session.state === 'open') return session;
    } catch (caught) {
      if (!isApiError(caught, 'KASSA_NOT_FOUND')) throw caught;
    }
  }
  const open = (await sessions.list(signal)).find((s) => s.state === 'open') ?? null;
  till.setSessionId(open?.id ?? null);
  return open;
}

export function CashierScreen({ rest, search = '' }: { rest: string[]; search?: string }) {
  const queryClient = useQueryClient();
  const current = useQuery({ queryKey: queryKeys.sessions.current(), queryFn: ({ signal }) => findSession(signal) });
  const [view, id, refundId] = rest;

  useEffect(() => {
    const running = till.runningOrder();
    if (view === undefined && running !== null) navigate(`/pos/order/${running}`, { replace: true });
  }, [view]);

  if (view === 'receipt' && id !== undefined) return <ReceiptView orderId={id} />;
  if (view === 'report' && id !== undefined && /^[0-9]+$/.test(id)) return <ZReportView sessionId={Number(id)} />;
  if (view === 'refund' && id !== undefined && refundId !== undefined) return <RefundReceiptView orderId={id} refundId={refundId} />;
  return (
    <LoadState query={current}>
      {(session) => {
        if (view === 'closed' || (view === 'close' && session !== null)) {
          return (
            <CloseSession session={session} onClosed={() => till.setSessionId(null)} onReopen={() => void current.refetch().then(() => navigate('/pos'))} />
          );
        }
        if (view === 'order' && id !== undefined) return <PaymentScreen orderId={id} />;
        if (view === 'orders' && session !== null) return <OrdersPage basePath="/pos/orders" search={search} posConfigId={session.posConfigId} />;
        if (session === null) {
          return (
            <OpenSession
              onOpened={(opened) => {
                till.setSessionId(opened.id);
                queryClient.setQueryData(queryKeys.sessions.current(), opened);
              }}
            />
          );
        }
        return <SellView session={session} />;
      }}
    </LoadState>
  );
}

function OpenSession({ onOpened }: { onOpened: (session: PosSession) => void }) {
  const { t } = useTranslation();
  // An archived POS configuration is not offered at the till, nor one the cashier may not open.
  const { user } = useAuth();
  const mayOpen = (c: PosConfig) => user.role !== 'cashier' || user.posConfigIds.length === 0 || user.posConfigIds.includes(c.id);
  const configs = useQuery({ ...queries.posConfigs(), select: (list: PosConfig[]) => list.filter((c) => !c.archived && mayOpen(c)) });
  return (
    <Page title={t('pos.openTitle')}>
      <LoadState query={configs}>{(list) => (list.length === 0 ? <p>{t('pos.noPos')}</p> : <OpenSessionForm configs={list} onOpened={onOpened} />)}</LoadState>
    </Page>
  );
}

function OpenSessionForm({ configs, onOpened }: { configs: PosConfig[]; onOpened: (session: PosSession) => void }) {
  const { t } = useTranslation();
  const [configId, setConfigId] = useState(configs[0]?.id ?? 0);
  const toInput = useCentsInput();
  const [cash, setCash] = useState(() => toInput(0));
  const [error, setError] = useState<unknown>(null);
  const [cashError, setCashError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const cents = parseCents(cash);
    setCashError(cents === null ? t('pos.badAmount') : null);
    if (cents === null) return;
    setBusy(true);
    setError(null);
    try {
      onOpened(await sessions.open(configId, cents));
    } catch (caught) {
      if (isApiError(caught, 'KASSA_SESSION_ALREADY_OPEN')) {
        const open = (await sessions.list()).find((s) => s.state === 'open' && s.posConfigId === configId);
        if (open !== undefined) return onOpened(open);
      }
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card narrow" aria-label={t('pos.openTitle')} onSubmit={(e) => void submit(e)}>
      <Field label={t('pos.posConfig')}>
        {(props) => (
          <select {...props} value={configId} onChange={(e) => setConfigId(Number(e.target.value))}>
            {configs.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('pos.openingCash')} error={cashError}>
        {(props) => <input {...props} inputMode="decimal" value={cash} onChange={(e) => setCash(e.target.value)} className="short" />}
      </Field>
      <ErrorAlert error={error} />
      <button type="submit" className="primary" disabled={busy}>
        {t('pos.open')}
      </button>
    </form>
  );
}
