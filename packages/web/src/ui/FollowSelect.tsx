import type { PosConfig } from '@kassa/contract';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { posConfigs } from '../api/endpoints';
import { followPos, mayChooseFollow, useFollowedPos } from '../api/follow';

/** A manager or admin chooses what the live updates follow: every till or one POS. Cashiers see nothing. */
export function FollowSelect({ user }: { user: { id: number; role: string } }) {
  const { t } = useTranslation();
  const id = useId();
  const followed = useFollowedPos(user);
  const [tills, setTills] = useState<readonly PosConfig[]>([]);
  const choose = mayChooseFollow(user.role);
  useEffect(() => {
    if (!choose) return undefined;
    let current = true;
    posConfigs.list().then(
      (list) => current && setTills(list),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [choose]);
  if (!choose) return null;
  return (
    <span className="follow">
      <label htmlFor={id}>{t('connection.follow')}</label>
      <select
        id={id}
        value={followed === null ? '' : String(followed)}
        onChange={(e) => followPos(user.id, e.target.value === '' ? null : Number(e.target.value))}
      >
        <option value="">{t('connection.followAll')}</option>
        {followed !== null && !tills.some((p) => p.id === followed) ? (
          <option value={String(followed)}>{t('connection.followPos', { id: followed })}</option>
        ) : null}
        {tills.map((p) => (
          <option key={p.id} value={String(p.id)}>
            {p.name}
          </option>
        ))}
      </select>
    </span>
  );
}
