import type { ListOrdersQuery, OrderStatus } from '@kassa/contract';

/**
 * The contract's order statuses, in the order the screens offer them. The app takes only types from
 * the contract; the record makes the type-check fail when the contract gains or loses one.
 */
const STATUS_ORDER: Record<OrderStatus, number> = { open: 0, paidNotValidated: 1, validated: 2, cancelled: 3 };
export const ORDER_STATUSES = (Object.keys(STATUS_ORDER) as OrderStatus[]).sort((a, b) => STATUS_ORDER[a] - STATUS_ORDER[b]);

/** Orders per page; the server gives at most 500. */
export const ORDERS_PAGE = 50;

/** The filters of the orders screen, as they stand in the address (`#/…/orders?status=open&offset=50`). */
export interface OrderFilters {
  readonly status: OrderStatus | null;
  readonly attention: boolean;
  readonly text: string;
  readonly posConfigId: number | null;
  readonly sessionId: number | null;
  /** From and to (date and time, as a `datetime-local` field holds them, in the till's time zone). */
  readonly from: string | null;
  readonly to: string | null;
  readonly offset: number;
}

const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

function localTime(value: string | null): string | null {
  return value !== null && LOCAL_TIME.test(value) && !Number.isNaN(new Date(value).getTime()) ? value : null;
}

function positiveInt(value: string | null): number | null {
  return value !== null && /^\d{1,9}$/.test(value) ? Number(value) : null;
}

/** Reads the filters from the part of the route after `?`; anything unknown or malformed is dropped. */
export function parseOrderFilters(search: string): OrderFilters {
  const params = new URLSearchParams(search);
  const status = params.get('status');
  return {
    status: (ORDER_STATUSES as readonly string[]).includes(status ?? '') ? (status as OrderStatus) : null,
    attention: params.get('attention') === 'true',
    text: (params.get('text') ?? '').slice(0, 100),
    posConfigId: positiveInt(params.get('pos')),
    sessionId: positiveInt(params.get('session')),
    from: localTime(params.get('from')),
    to: localTime(params.get('to')),
    offset: positiveInt(params.get('offset')) ?? 0,
  };
}

/** The route's `?…` for these filters, without the defaults, so a link or a reload keeps them. */
export function formatOrderFilters(filters: OrderFilters): string {
  const params = new URLSearchParams();
  if (filters.status !== null) params.set('status', filters.status);
  if (filters.attention) params.set('attention', 'true');
  if (filters.text !== '') params.set('text', filters.text);
  if (filters.posConfigId !== null) params.set('pos', String(filters.posConfigId));
  if (filters.sessionId !== null) params.set('session', String(filters.sessionId));
  if (filters.from !== null) params.set('from', filters.from);
  if (filters.to !== null) params.set('to', filters.to);
  if (filters.offset > 0) params.set('offset', String(filters.offset));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * The API query of these filters. A text of digits and a decimal separator is also an amount
 * (`6.30`, `6,30`): it searches the order total. From and to are sent as instants; `to` is
 * exclusive, as the API reads it.
 */
export function toListQuery(filters: OrderFilters, parseCents: (text: string) => number | null): ListOrdersQuery {
  const text = filters.text.trim();
  const amount = /[.,]/.test(text) ? parseCents(text) : null;
  return {
    ...(filters.status === null ? {} : { status: filters.status }),
    ...(filters.attention ? { attention: true } : {}),
    ...(text === '' ? {} : amount === null ? { text } : { amountCents: amount }),
    ...(filters.posConfigId === null ? {} : { posConfigId: filters.posConfigId }),
    ...(filters.sessionId === null ? {} : { sessionId: filters.sessionId }),
    // A local date and time (no zone) is read in the browser's time zone, as the person typed it.
    ...(filters.from === null ? {} : { from: new Date(filters.from).toISOString() }),
    ...(filters.to === null ? {} : { to: new Date(filters.to).toISOString() }),
    limit: ORDERS_PAGE,
    offset: filters.offset,
  };
}
