import type { PaymentMethod, PosConfig, PosSession } from '@kassa/contract';
import { useQuery } from '@tanstack/react-query';
import { queries } from '../api/queries';
import type { QueryState } from '../api/queryState';
import { allOf } from '../api/queryState';

/** The methods the session's point of sale offers (all of them when its configuration is not found). */
export function offeredMethods(methods: readonly PaymentMethod[], configs: readonly PosConfig[], session: PosSession): PaymentMethod[] {
  const offered = configs.find((c) => c.id === session.posConfigId)?.paymentMethodIds ?? methods.map((m) => m.id);
  return methods.filter((m) => offered.includes(m.id));
}

/** The payment methods of a session, read once its id is known (from its order). */
export function useOfferedMethods(sessionId: number | undefined): QueryState<PaymentMethod[]> {
  const methods = useQuery(queries.paymentMethods());
  const configs = useQuery(queries.posConfigs());
  const session = useQuery({ ...queries.sessions.detail(sessionId ?? 0), enabled: sessionId !== undefined });
  const all = allOf(methods, configs, session);
  return { ...all, data: all.data === undefined ? undefined : offeredMethods(...all.data) };
}
