import type { Company, Device, Journal, PaymentMethod, PaymentMethodBody } from '@kassa/contract';
import { useQuery } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { paymentMethods } from '../api/endpoints';
import { queries } from '../api/queries';
import { allOf } from '../api/queryState';
import { errorText } from '../i18n/errors';
import { DataTable, ErrorAlert, Field, LoadState, Page } from '../ui/components';
import { ArchiveActions } from './ArchiveActions';
import { methodFieldOf } from './methodErrors';
import { refundTypeOf } from './refundType';

interface Data {
  methods: PaymentMethod[];
  journals: Journal[];
  devices: Device[];
  company: Company;
}

const isIngenicoPayment = (d: Device) => d.type === 'payment' && d.make.toLowerCase() === 'ingenico';
const EMPTY: PaymentMethodBody = { name: '', kind: 'bank', journalId: 0, terminal: 'none', deviceId: null, refundTransactionType: null };

export function PaymentMethodsPage() {
  const { t } = useTranslation();
  // The devices follow their events (`liveCache.ts`): a terminal's state shows beside its method.
  const methods = useQuery(queries.paymentMethods());
  const all = allOf(methods, useQuery(queries.journals()), useQuery(queries.devices()), useQuery(queries.company()));
  const loaded = {
    ...all,
    data: all.data === undefined ? undefined : ({ methods: all.data[0], journals: all.data[1], devices: all.data[2], company: all.data[3] } satisfies Data),
  };
  const [editing, setEditing] = useState<PaymentMethod | null>(null);

  return (
    <Page title={t('methods.title')}>
      <LoadState query={loaded}>
        {(data) => (
          <>
            <MethodForm
              key={editing?.id ?? 'new'}
              data={data}
              editing={editing}
              onSaved={() => {
                setEditing(null);
                void methods.refetch();
              }}
              onCancel={() => setEditing(null)}
            />
            <MethodTable data={data} onEdit={setEditing} onChanged={() => void methods.refetch()} />
          </>
        )}
      </LoadState>
    </Page>
  );
}

function MethodForm({ data, editing, onSaved, onCancel }: { data: Data; editing: PaymentMethod | null; onSaved: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [body, setBody] = useState<PaymentMethodBody>(
    editing === null ? EMPTY : { name: editing.name, kind: editing.kind, journalId: editing.journalId, terminal: editing.terminal, deviceId: editing.deviceId },
  );
  const [refundType, setRefundType] = useState(editing?.refundTransactionType ?? '');
  const [refundTypeError, setRefundTypeError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const field = error === null ? null : methodFieldOf(error);
  const errorFor = (name: string) => (field === name ? errorText(t, error) : null);
  const ingenicoDevices = data.devices.filter(isIngenicoPayment);
  const terminalOffered = data.company.ingenicoEnabled || body.terminal !== 'none';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const transactionType = body.terminal === 'none' ? null : refundTypeOf(refundType);
    setRefundTypeError(transactionType === undefined ? t('methods.refundTypeInvalid') : null);
    if (transactionType === undefined) return;
    setBusy(true);
    setError(null);
    const sent: PaymentMethodBody = { ...body, deviceId: body.terminal === 'none' ? null : body.deviceId, refundTransactionType: transactionType };
    try {
      if (editing === null) await paymentMethods.create(sent);
      else await paymentMethods.update(editing.id, sent);
      setBody(EMPTY);
      setRefundType('');
      onSaved();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" aria-labelledby="method-form-title" onSubmit={(e) => void submit(e)} noValidate>
      <h2 id="method-form-title">{editing === null ? t('methods.add') : t('methods.editTitle')}</h2>
      <div className="grid-form">
        <Field label={t('app.name')} error={errorFor('name')}>
          {(props) => <input {...props} value={body.name} onChange={(e) => setBody({ ...body, name: e.target.value })} required maxLength={120} />}
        </Field>
        <Field label={t('methods.kind')} error={errorFor('kind')}>
          {(props) => (
            <select {...props} value={body.kind} onChange={(e) => setBody({ ...body, kind: e.target.value === 'cash' ? 'cash' : 'bank' })}>
              <option value="bank">{t('methods.kindBank')}</option>
              <option value="cash">{t('methods.kindCash')}</option>
            </select>
          )}
        </Field>
        <Field label={t('methods.journal')} error={errorFor('journal')}>
          {(props) => (
            <select
              {...props}
              value={body.journalId === 0 ? '' : String(body.journalId)}
              onChange={(e) => setBody({ ...body, journalId: Number(e.target.value) })}
              required
            >
              <option value="">{t('methods.chooseJournal')}</option>
              {data.journals.map((j) => (
                <option key={j.id} value={j.id}>
                  {j.name} ({t(`journals.${j.type}`)})
                </option>
              ))}
            </select>
          )}
        </Field>
        {terminalOffered ? (
          <Field label={t('methods.terminal')} error={errorFor('terminal')}>
            {(props) => (
              <select
                {...props}
                value={body.terminal}
                onChange={(e) => setBody({ ...body, terminal: e.target.value === 'ingenico' ? 'ingenico' : 'none', deviceId: null })}
              >
                <option value="none">{t('methods.terminalNone')}</option>
                <option value="ingenico">{t('methods.terminalIngenico')}</option>
              </select>
            )}
          </Field>
        ) : (
          <p className="help">{t('methods.terminalOff')}</p>
        )}
        {body.terminal === 'ingenico' ? (
          <Field label={t('methods.device')} error={errorFor('device')} help={ingenicoDevices.length === 0 ? t('methods.noDevice') : undefined}>
            {(props) => (
              <select
                {...props}
                value={body.deviceId === null ? '' : String(body.deviceId)}
                onChange={(e) => setBody({ ...body, deviceId: e.target.value === '' ? null : Number(e.target.value) })}
              >
                <option value="">{t('methods.chooseDevice')}</option>
                {ingenicoDevices.map((d) => (
                  // Only an approved terminal may be chosen; the others are shown, marked, and not selectable.
                  <option key={d.id} value={d.id} disabled={d.approval !== 'approved' && d.id !== body.deviceId}>
                    {d.model} · {d.terminalId}
                    {d.approval === 'new' ? ` — ${t('devices.approvalNew')}` : d.approval === 'quarantined' ? ` — ${t('devices.approvalQuarantined')}` : ''}
                    {d.online ? '' : ` — ${t('pos.terminalOffline')}`}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        {body.terminal === 'ingenico' ? (
          <Field label={t('methods.refundType')} help={t('methods.refundTypeHelp')} error={refundTypeError ?? errorFor('refundType')}>
            {(props) => (
              <input
                {...props}
                className="short"
                value={refundType}
                onChange={(e) => setRefundType(e.target.value)}
                placeholder="20"
                maxLength={2}
                autoComplete="off"
                spellCheck={false}
              />
            )}
          </Field>
        ) : null}
      </div>
      {field === 'form' ? <ErrorAlert error={error} /> : null}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {t('app.save')}
        </button>
        {editing === null ? null : (
          <button type="button" onClick={onCancel}>
            {t('app.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}

function MethodTable({ data, onEdit, onChanged }: { data: Data; onEdit: (method: PaymentMethod) => void; onChanged: () => void }) {
  const { t } = useTranslation();
  if (data.methods.length === 0) return <p>{t('methods.empty')}</p>;
  return (
    <DataTable
      label={t('methods.title')}
      columns={[t('app.name'), t('methods.kind'), t('methods.journal'), t('methods.terminal'), t('methods.device'), t('app.actions')]}
    >
      {data.methods.map((m) => {
        const device = data.devices.find((d) => d.id === m.deviceId);
        return (
          <tr key={m.id}>
            <th scope="row">
              {m.name}
              {m.archived ? <span className="note"> — {t('archive.archived')}</span> : null}
            </th>
            <td>{m.kind === 'cash' ? t('methods.kindCash') : t('methods.kindBank')}</td>
            <td>{data.journals.find((j) => j.id === m.journalId)?.name ?? m.journalId}</td>
            <td>
              {m.terminal === 'ingenico' ? t('methods.terminalIngenico') : t('methods.terminalNone')}
              {m.terminal === 'ingenico' && m.refundTransactionType !== null ? ` · ${t('methods.refundTypeShort', { type: m.refundTransactionType })}` : ''}
            </td>
            <td>{device === undefined ? '' : `${device.model} · ${device.terminalId}`}</td>
            <td>
              <button type="button" onClick={() => onEdit(m)} aria-label={`${t('app.edit')} ${m.name}`}>
                {t('app.edit')}
              </button>
              <ArchiveActions
                name={m.name}
                archived={m.archived}
                archive={() => paymentMethods.archive(m.id)}
                restore={() => paymentMethods.restore(m.id)}
                remove={() => paymentMethods.remove(m.id)}
                onDone={onChanged}
              />
            </td>
          </tr>
        );
      })}
    </DataTable>
  );
}
