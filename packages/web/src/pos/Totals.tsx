import { useTranslation } from 'react-i18next';
import { useMoney } from '../ui/hooks';
import type { VatGroup } from '../vat';

export function Totals({ totalCents, vatCents, vat }: { totalCents: number; vatCents: number; vat: readonly VatGroup[] }) {
  const { t } = useTranslation();
  const money = useMoney();
  return (
    <dl className="totals">
      <div className="total">
        <dt>{t('pos.total')}</dt>
        <dd className="num" data-testid="order-total">
          {money(totalCents)}
        </dd>
      </div>
      {vat.map((group) => (
        <div key={group.rate}>
          <dt>{t('pos.vatLine', { rate: group.rate, gross: money(group.grossCents) })}</dt>
          <dd className="num">{money(group.vatCents)}</dd>
        </div>
      ))}
      <div>
        <dt>{t('pos.vatTotal')}</dt>
        <dd className="num">{money(vatCents)}</dd>
      </div>
    </dl>
  );
}
