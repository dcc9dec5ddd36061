import type { ListPaymentsQuery, PaymentList } from '@kassa/contract';
import { searchPayments } from '../repos/payment-search.js';
import type { ServiceContext } from './context.js';
import { paymentView } from './payments.js';

export const DEFAULT_PAGE = 50;

export async function listPayments(ctx: ServiceContext, query: ListPaymentsQuery): Promise<PaymentList> {
  const limit = query.limit ?? DEFAULT_PAGE;
  const offset = query.offset ?? 0;
  const { items, total } = await searchPayments(ctx.db, {
    state: query.state,
    text: query.text,
    from: query.from === undefined ? undefined : new Date(query.from),
    to: query.to === undefined ? undefined : new Date(query.to),
    limit,
    offset,
  });
  return { items: items.map(paymentView), total, limit, offset };
}
