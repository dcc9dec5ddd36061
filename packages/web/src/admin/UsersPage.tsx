import type { CreateUserBody, PosConfig, Role, UpdateUserBody, User } from '@kassa/contract';
import { useQuery } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { users } from '../api/endpoints';
import { queries } from '../api/queries';
import { queryKeys } from '../api/queryKeys';
import { useChange } from '../api/useChange';
import { PASSWORD_REFUSAL_MESSAGES, passwordRefusal } from '../api/errorField';
import { fieldErrors } from '../i18n/errors';
import { DataTable, ErrorAlert, Field, LoadState, Page, PinInput } from '../ui/components';

/** The contract's PASSWORD_MIN_LENGTH; the app takes only types from the contract, so the number is repeated here for the browser's own check. */
const PASSWORD_MIN_LENGTH = 12;

export function UsersPage() {
  const { t } = useTranslation();
  const loaded = useQuery(queries.users());
  const changing = useChange(queryKeys.users);
  // The refusal is shown from `changing.error`; a caller waiting for the change only needs to know it is over.
  const act = (action: () => Promise<unknown>): Promise<void> =>
    changing.mutateAsync(action).then(
      () => undefined,
      () => undefined,
    );
  const change = (user: User, body: UpdateUserBody) => act(() => users.update(user.id, body));
  const tills = useQuery({ ...queries.posConfigs(), select: (list: PosConfig[]) => list.filter((c) => !c.archived) });
  return (
    <Page title={t('users.title')}>
      <UserForm tills={tills.data ?? []} onSaved={() => void loaded.refetch()} />
      <ErrorAlert error={changing.error} />
      <LoadState query={loaded}>
        {(list) => (
          <DataTable
            label={t('users.title')}
            columns={[t('users.username'), t('users.role'), t('users.active'), t('users.hasPin'), t('users.signIn'), t('users.tills'), t('app.actions')]}
          >
            {list.map((user) => (
              <tr key={user.id}>
                <th scope="row">{user.username}</th>
                <td>
                  <select
                    aria-label={`${t('users.role')}: ${user.username}`}
                    value={user.role}
                    onChange={(e) => void change(user, { role: roleOf(e.target.value) })}
                  >
                    <RoleOptions />
                  </select>
                </td>
                <td>{user.active ? t('app.yes') : t('app.no')}</td>
                <td>{user.hasPin ? t('app.yes') : t('app.no')}</td>
                <td>{user.lockedUntil ? t('users.lockedUntil', { time: new Date(user.lockedUntil).toLocaleTimeString() }) : t('users.signInOpen')}</td>
                <td>
                  {user.role === 'cashier' ? (
                    <TillChoice
                      label={t('users.tillsOf', { name: user.username })}
                      tills={tills.data ?? []}
                      chosen={user.posConfigIds}
                      onChange={(posConfigIds) => void change(user, { posConfigIds })}
                    />
                  ) : (
                    t('users.tillsAny')
                  )}
                </td>
                <td>
                  {user.lockedUntil ? (
                    <button type="button" onClick={() => void act(() => users.unlock(user.id))} aria-label={`${t('users.unlock')} ${user.username}`}>
                      {t('users.unlock')}
                    </button>
                  ) : null}
                  <PinForm user={user} onSet={(pin) => change(user, { pin })} />
                  <button
                    type="button"
                    onClick={() => void change(user, { active: !user.active })}
                    aria-label={`${user.active ? t('users.deactivate') : t('users.activate')} ${user.username}`}
                  >
                    {user.active ? t('users.deactivate') : t('users.activate')}
                  </button>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </LoadState>
    </Page>
  );
}

/** The POS a cashier may open: several may be chosen; none chosen is any POS. */
function TillChoice({
  label,
  tills,
  chosen,
  onChange,
  fieldProps,
}: {
  label?: string;
  tills: PosConfig[];
  chosen: number[];
  onChange: (ids: number[]) => void;
  fieldProps?: { id: string; 'aria-describedby': string | undefined; 'aria-invalid': boolean };
}) {
  const { t } = useTranslation();
  return (
    <div>
      <select
        {...fieldProps}
        multiple
        aria-label={label}
        size={Math.min(4, Math.max(2, tills.length))}
        value={chosen.map(String)}
        onChange={(e) => onChange([...e.target.selectedOptions].map((option) => Number(option.value)))}
      >
        {tills.map((till) => (
          <option key={till.id} value={till.id}>
            {till.name}
          </option>
        ))}
      </select>
      {chosen.length === 0 ? <div className="help">{t('users.tillsAny')}</div> : null}
    </div>
  );
}

function UserForm({ tills, onSaved }: { tills: PosConfig[]; onSaved: () => void }) {
  const { t } = useTranslation();
  const [body, setBody] = useState<CreateUserBody>({ username: '', password: '', role: 'cashier' });
  const [pin, setPin] = useState('');
  const [error, setError] = useState<unknown>(null);
  const refusedPassword = passwordRefusal(error);
  const { errorFor, formError } = fieldErrors(t, refusedPassword === null ? error : null, ['username', 'pin', 'posConfigIds']);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await users.create(pin === '' ? body : { ...body, pin });
      setBody({ username: '', password: '', role: body.role, posConfigIds: [] });
      setPin('');
      onSaved();
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <form className="card row-form" aria-labelledby="user-form-title" onSubmit={(e) => void submit(e)}>
      <h2 id="user-form-title">{t('users.add')}</h2>
      <Field label={t('users.username')} error={errorFor('username')}>
        {(props) => (
          <input {...props} value={body.username} autoComplete="off" onChange={(e) => setBody({ ...body, username: e.target.value })} required maxLength={64} />
        )}
      </Field>
      <Field label={t('users.password')} help={t('users.passwordHelp')} error={refusedPassword === null ? null : t(PASSWORD_REFUSAL_MESSAGES[refusedPassword])}>
        {(props) => (
          <input
            {...props}
            type="password"
            autoComplete="new-password"
            value={body.password}
            onChange={(e) => setBody({ ...body, password: e.target.value })}
            required
            minLength={PASSWORD_MIN_LENGTH}
          />
        )}
      </Field>
      <Field label={t('users.role')}>
        {(props) => (
          <select {...props} value={body.role} onChange={(e) => setBody({ ...body, role: roleOf(e.target.value) })}>
            <RoleOptions />
          </select>
        )}
      </Field>
      <Field label={t('users.pin')} help={t('users.pinHelp')} error={errorFor('pin')}>
        {(props) => <PinInput {...props} value={pin} onChange={setPin} />}
      </Field>
      {body.role === 'cashier' ? (
        <Field label={t('users.tills')} help={t('users.tillsHelp')} error={errorFor('posConfigIds')}>
          {(props) => (
            <TillChoice fieldProps={props} tills={tills} chosen={body.posConfigIds ?? []} onChange={(posConfigIds) => setBody({ ...body, posConfigIds })} />
          )}
        </Field>
      ) : null}
      <button type="submit" className="primary">
        {t('users.add')}
      </button>
      <ErrorAlert error={formError} />
    </form>
  );
}

/** The contract's roles (types only reach the browser), in the order the select offers them. */
const ROLE_NAMES: readonly Role[] = ['cashier', 'manager', 'admin'];

function roleOf(value: string): Role {
  return ROLE_NAMES.find((role) => role === value) ?? 'cashier';
}

function RoleOptions() {
  const { t } = useTranslation();
  return (
    <>
      {ROLE_NAMES.map((role) => (
        <option key={role} value={role}>
          {t(`roles.${role}`)}
        </option>
      ))}
    </>
  );
}

/** Sets a user's approval PIN (4 to 8 digits), or removes it. */
function PinForm({ user, onSet }: { user: User; onSet: (pin: string | null) => Promise<void> }) {
  const { t } = useTranslation();
  const [pin, setPin] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await onSet(pin);
    setPin('');
  };
  return (
    <form className="row" onSubmit={(e) => void submit(e)}>
      <PinInput aria-label={t('users.setPinFor', { name: user.username })} required value={pin} onChange={setPin} />
      <button type="submit">{t('users.setPin')}</button>
      {user.hasPin ? (
        <button type="button" aria-label={`${t('users.removePin')} ${user.username}`} onClick={() => void onSet(null)}>
          {t('users.removePin')}
        </button>
      ) : null}
    </form>
  );
}
