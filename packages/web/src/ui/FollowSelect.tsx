import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { follow, mayChooseFollow, parseFollow, useFollowed } from '../api/follow';
import { queries } from '../api/queries';

/**
 * A manager or admin chooses what the live updates follow: every till, one shop or one POS (from
 * the POS configurations in use, read and cached like every other list). Cashiers see nothing.
 */
export function FollowSelect({ user }: { user: { id: number; role: string } }) {
  const { t } = useTranslation();
  const id = useId();
  const followed = useFollowed(user);
  const choose = mayChooseFollow(user.role);
  const configs = useQuery({ ...queries.posConfigs(), enabled: choose });
  if (!choose) return null;
  // An archived POS is offered nowhere; a shop is listed while one of its tills is in use.
  const tills = (configs.data ?? []).filter((p) => !p.archived);
  const shops = [...new Set(tills.flatMap((p) => (p.shop === null ? [] : [p.shop])))].sort((a, b) => a.localeCompare(b));
  const listed = new Set(['', ...shops.map((s) => `shop:${s}`), ...tills.map((p) => `pos:${p.id}`)]);
  const current = parseFollow(followed === '' ? null : followed);
  return (
    <span className="follow">
      <label htmlFor={id}>{t('connection.follow')}</label>
      <select id={id} value={followed} onChange={(e) => follow(user.id, parseFollow(e.target.value === '' ? null : e.target.value))}>
        <option value="">{t('connection.followAll')}</option>
        {/* A choice no longer listed (an archived POS, a shop without tills) stays shown until changed. */}
        {current !== null && !listed.has(followed) ? (
          <option value={followed}>
            {current.kind === 'pos' ? t('connection.followPos', { id: current.posId }) : t('connection.followShop', { shop: current.shop })}
          </option>
        ) : null}
        {shops.length === 0 ? null : (
          <optgroup label={t('connection.followShops')}>
            {shops.map((shop) => (
              <option key={shop} value={`shop:${shop}`}>
                {t('connection.followShop', { shop })}
              </option>
            ))}
          </optgroup>
        )}
        <optgroup label={t('connection.followTills')}>
          {tills.map((p) => (
            <option key={p.id} value={`pos:${p.id}`}>
              {p.shop === null ? p.name : `${p.name} (${p.shop})`}
            </option>
          ))}
        </optgroup>
      </select>
    </span>
  );
}
