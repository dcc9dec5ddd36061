import type { PosSession } from '@kassa/contract';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client';
import { sessions } from '../api/endpoints';
import { queries } from '../api/queries';
import { allOf } from '../api/queryState';
import { ErrorAlert, LoadState, Page } from '../ui/components';
import { useDateTime, useMoney } from '../ui/hooks';

/**
 * The sessions of every POS, newest first, for managers and admins: each closed one links to its Z
 * report and can be reopened (the server refuses once a later session of its POS exists).
 */
export function SessionsPage() {
  const { t } = useTranslation();
  const money = useMoney();
  const dateTime = useDateTime();
  const sessionList = useQuery(queries.sessions.list());
  const configList = useQuery(queries.posConfigs());
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const reopen = async (session: PosSession) => {
    setError(null);
    setNotice(null);
    try {
      await sessions.reopen(session.id);
      setNotice(t('sessions.reopened', { id: session.id }));
      await sessionList.refetch();
    } catch (caught) {
      // A later session of the POS makes the closing final: say so rather than a bare conflict.
      const final = isApiError(caught, 'KASSA_CONFLICT') && caught.details?.['laterSessions'] !== undefined;
      setError(final ? new Error(t('sessions.reopenFinal', { id: session.id })) : caught);
    }
  };

  return (
    <Page title={t('sessions.title')}>
      <ErrorAlert error={error} />
      {notice === null ? null : (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <LoadState query={allOf(sessionList, configList)}>
        {([list, configs]) =>
          list.length === 0 ? (
            <p>{t('sessions.empty')}</p>
          ) : (
            <div className="table-wrap">
              <table aria-label={t('sessions.title')}>
                <caption className="visually-hidden">{t('sessions.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('sessions.session')}</th>
                    <th scope="col">{t('sessions.pos')}</th>
                    <th scope="col">{t('sessions.state')}</th>
                    <th scope="col">{t('sessions.opened')}</th>
                    <th scope="col">{t('sessions.closed')}</th>
                    <th scope="col" className="num">
                      {t('sessions.difference')}
                    </th>
                    <th scope="col">
                      <span className="visually-hidden">{t('closing.zReport')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((s) => (
                    <tr key={s.id}>
                      <th scope="row">{s.id}</th>
                      <td>{configs.find((c) => c.id === s.posConfigId)?.name ?? s.posConfigId}</td>
                      <td>{t(`sessions.states.${s.state}`)}</td>
                      <td>{dateTime(s.openedAt)}</td>
                      <td>{dateTime(s.closedAt)}</td>
                      <td className="num">{s.closing === null ? '' : money(s.closing.cashDifferenceCents)}</td>
                      <td>
                        {s.state === 'closed' ? (
                          <span className="row">
                            <a href={`#/pos/report/${s.id}`}>{t('closing.zReport')}</a>
                            <button type="button" onClick={() => void reopen(s)}>
                              {t('sessions.reopen')}
                            </button>
                          </span>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </LoadState>
    </Page>
  );
}
