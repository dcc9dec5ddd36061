import type { PaymentState } from '@kassa/contract';
import { useTranslation } from 'react-i18next';

const TONE: Record<PaymentState, string> = {
  pending: 'busy',
  waiting: 'busy',
  waitingCard: 'busy',
  waitingCancel: 'busy',
  unknown: 'warn',
  mismatch: 'warn',
  done: 'ok',
  forceDone: 'ok',
  retry: 'off',
  failed: 'off',
};

export function StateBadge({ state }: { state: PaymentState }) {
  const { t } = useTranslation();
  return <span className={`badge badge-${TONE[state]}`}>{t(`state.${state}`)}</span>;
}
