import type { ListOrdersQuery, ListPaymentsQuery } from '@kassa/contract';
import { queryOptions } from '@tanstack/react-query';
import { boxes, company, devices, journals, orders, paymentMethods, payments, posConfigs, products, sessions, users } from './endpoints';
import { queryKeys } from './queryKeys';

/**
 * What each screen reads, as TanStack Query options: the key of `queryKeys` and the call of
 * `endpoints`, given the query's abort signal so a screen left before the answer cancels it.
 */
export const queries = {
  company: () => queryOptions({ queryKey: queryKeys.company, queryFn: ({ signal }) => company.get(signal) }),
  journals: () => queryOptions({ queryKey: queryKeys.journals, queryFn: ({ signal }) => journals.list(signal) }),
  boxes: () => queryOptions({ queryKey: queryKeys.boxes, queryFn: ({ signal }) => boxes.list(signal) }),
  devices: () => queryOptions({ queryKey: queryKeys.devices, queryFn: ({ signal }) => devices.list(signal) }),
  paymentMethods: () => queryOptions({ queryKey: queryKeys.paymentMethods, queryFn: ({ signal }) => paymentMethods.list(signal) }),
  posConfigs: () => queryOptions({ queryKey: queryKeys.posConfigs, queryFn: ({ signal }) => posConfigs.list(signal) }),
  products: () => queryOptions({ queryKey: queryKeys.products, queryFn: ({ signal }) => products.list(signal) }),
  users: () => queryOptions({ queryKey: queryKeys.users, queryFn: ({ signal }) => users.list(signal) }),
  sessions: {
    list: () => queryOptions({ queryKey: queryKeys.sessions.list(), queryFn: ({ signal }) => sessions.list(signal) }),
    detail: (id: number) => queryOptions({ queryKey: queryKeys.sessions.detail(id), queryFn: ({ signal }) => sessions.get(id, signal) }),
    closingPreview: (id: number) =>
      queryOptions({ queryKey: queryKeys.sessions.closingPreview(id), queryFn: ({ signal }) => sessions.closingPreview(id, signal) }),
    report: (id: number) => queryOptions({ queryKey: queryKeys.sessions.report(id), queryFn: ({ signal }) => sessions.report(id, signal) }),
  },
  orders: {
    list: (query: ListOrdersQuery) => queryOptions({ queryKey: queryKeys.orders.list(query), queryFn: ({ signal }) => orders.list(query, signal) }),
    detail: (id: string) => queryOptions({ queryKey: queryKeys.orders.detail(id), queryFn: ({ signal }) => orders.get(id, signal) }),
    receipt: (id: string) => queryOptions({ queryKey: queryKeys.orders.receipt(id), queryFn: ({ signal }) => orders.receipt(id, signal) }),
    refundReceipt: (id: string, refundId: string) =>
      queryOptions({ queryKey: queryKeys.orders.refundReceipt(id, refundId), queryFn: ({ signal }) => orders.refundReceipt(id, refundId, signal) }),
  },
  payments: {
    list: (query: ListPaymentsQuery) => queryOptions({ queryKey: queryKeys.payments.list(query), queryFn: ({ signal }) => payments.list(query, signal) }),
    detail: (uuid: string) => queryOptions({ queryKey: queryKeys.payments.detail(uuid), queryFn: ({ signal }) => payments.get(uuid, signal) }),
  },
};
