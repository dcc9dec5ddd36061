import type { ListOrdersQuery, ListPaymentsQuery } from '@kassa/contract';

/**
 * Every query key of the app, in one place. A key starts with its resource, so a live event or a
 * change can invalidate one resource (`queryKeys.orders.all`) or one item of it; the cache holds
 * one entry per key, shared by every screen that shows it.
 */
export const queryKeys = {
  company: ['company'] as const,
  journals: ['journals'] as const,
  boxes: ['boxes'] as const,
  devices: ['devices'] as const,
  paymentMethods: ['paymentMethods'] as const,
  posConfigs: ['posConfigs'] as const,
  products: ['products'] as const,
  users: ['users'] as const,
  sessions: {
    all: ['sessions'] as const,
    list: () => ['sessions', 'list'] as const,
    /** The session this till works in (see `CashierScreen`). */
    current: () => ['sessions', 'current'] as const,
    detail: (id: number) => ['sessions', 'detail', id] as const,
    closingPreviews: () => ['sessions', 'closingPreview'] as const,
    closingPreview: (id: number) => ['sessions', 'closingPreview', id] as const,
    report: (id: number) => ['sessions', 'report', id] as const,
  },
  orders: {
    all: ['orders'] as const,
    lists: () => ['orders', 'list'] as const,
    list: (query: ListOrdersQuery) => ['orders', 'list', query] as const,
    detail: (id: string) => ['orders', 'detail', id] as const,
    receipt: (id: string) => ['orders', 'receipt', id] as const,
    refundReceipt: (id: string, refundId: string) => ['orders', 'refundReceipt', id, refundId] as const,
  },
  payments: {
    all: ['payments'] as const,
    lists: () => ['payments', 'list'] as const,
    list: (query: ListPaymentsQuery) => ['payments', 'list', query] as const,
    detail: (uuid: string) => ['payments', 'detail', uuid] as const,
  },
};
