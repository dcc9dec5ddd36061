import type { PaymentState } from '../domain/payment-states.js';
import type { Executor } from './executor.js';
import { escapeLike } from './like.js';
import type { Payment } from './payments.js';
import { getPayment } from './payments.js';

export interface PaymentFilter {
  readonly state?: PaymentState | undefined;
  /** Matches the start of the payment uuid or order id, or any part of the method name (case-insensitive). */
  readonly text?: string | undefined;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  readonly limit: number;
  readonly offset: number;
}

/** The payments that match, newest first, one page of them, and how many match in all. */
export async function searchPayments(db: Executor, filter: PaymentFilter): Promise<{ items: Payment[]; total: number }> {
  let query = db.selectFrom('payments as p').innerJoin('payment_methods as m', 'm.id', 'p.method_id');
  if (filter.state !== undefined) query = query.where('p.state', '=', filter.state);
  if (filter.from !== undefined) query = query.where('p.created_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('p.created_at', '<', filter.to);
  if (filter.text !== undefined) {
    const prefix = `${escapeLike(filter.text.toLowerCase())}%`;
    const anywhere = `%${escapeLike(filter.text)}%`;
    query = query.where((eb) => eb.or([eb('p.uuid', 'like', prefix), eb('p.order_id', 'like', prefix), eb('m.name', 'ilike', anywhere)]));
  }
  const count = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await query.select('p.uuid').orderBy('p.created_at', 'desc').orderBy('p.uuid').limit(filter.limit).offset(filter.offset).execute();
  const items = await Promise.all(rows.map((r) => getPayment(db, r.uuid)));
  return { items: items.filter((p): p is Payment => p !== null), total: Number(count.n) };
}
