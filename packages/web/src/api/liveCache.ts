import type { Device, LiveEvent, LiveTopic, Order, PaymentDetail } from '@kassa/contract';
import type { QueryClient } from '@tanstack/react-query';
import { queryKeys } from './queryKeys';

/** A device as the server answered or announced it: replaces the one cached, joins the list, or leaves it once removed. */
function withDevice(list: Device[], device: Device): Device[] {
  if (device.removed) return list.filter((d) => d.id !== device.id);
  return list.some((d) => d.id === device.id) ? list.map((d) => (d.id === device.id ? device : d)) : [...list, device];
}

/** Writes a device into the cached list (the list is read when there is none yet). */
export function showDevice(client: QueryClient, device: Device): void {
  if (client.getQueryData<Device[]>(queryKeys.devices) === undefined) void client.invalidateQueries({ queryKey: queryKeys.devices });
  else client.setQueryData<Device[]>(queryKeys.devices, (list) => (list === undefined ? list : withDevice(list, device)));
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const has = (value: unknown, key: string, type: 'string' | 'number'): boolean => isObject(value) && typeof value[key] === type;

/** What each topic's data must hold before the cache takes it: the ids it is filed under, and a state or an order's figures to show. */
const WELL_FORMED: Readonly<Record<LiveTopic, (data: Record<string, unknown>) => boolean>> = {
  payment: ({ payment }) =>
    has(payment, 'uuid', 'string') && has(payment, 'orderId', 'string') && has(payment, 'state', 'string') && has(payment, 'amountCents', 'number'),
  order: ({ order }) =>
    has(order, 'id', 'string') && has(order, 'state', 'string') && has(order, 'totalCents', 'number') && isObject(order) && Array.isArray(order['payments']),
  device: ({ device }) => has(device, 'id', 'number') && isObject(device) && typeof device['removed'] === 'boolean',
  box: () => true,
};

/**
 * Whether an event's data is what its topic says. The stream is the server's, but a screen must not
 * show a payment without a state because of one event that is not: such an event is not written
 * into the cache, and the caller re-reads everything instead (as after a gap).
 */
export function isWellFormed(event: LiveEvent): boolean {
  return isObject(event.data) && WELL_FORMED[event.topic](event.data);
}

/**
 * What one live event changes in the cache: the data it carries is written where it is the whole
 * answer (a payment's state, an order, a device); every read it makes out of date is invalidated,
 * which re-reads it at once where a screen shows it and on the next visit elsewhere.
 */
export function applyLiveEvent(client: QueryClient, event: LiveEvent): void {
  const invalidate = (queryKey: readonly unknown[]) => void client.invalidateQueries({ queryKey });
  switch (event.topic) {
    case 'payment': {
      const { payment } = event.data;
      // The state at once; the history (the terminal's words) is re-read with it.
      client.setQueryData<PaymentDetail>(queryKeys.payments.detail(payment.uuid), (previous) => (previous === undefined ? previous : { ...previous, payment }));
      invalidate(queryKeys.payments.detail(payment.uuid));
      invalidate(queryKeys.orders.detail(payment.orderId));
      invalidate(queryKeys.orders.receipt(payment.orderId));
      invalidate(queryKeys.payments.lists());
      invalidate(queryKeys.orders.lists());
      invalidate(queryKeys.sessions.closingPreviews());
      return;
    }
    case 'order': {
      const { order } = event.data;
      // Written only where it is held: a shop's every order does not fill the cache.
      client.setQueryData<Order>(queryKeys.orders.detail(order.id), (previous) => (previous === undefined ? previous : order));
      invalidate(queryKeys.orders.receipt(order.id));
      invalidate(queryKeys.orders.lists());
      invalidate(queryKeys.sessions.closingPreviews());
      return;
    }
    case 'device': {
      showDevice(client, event.data.device);
      // A box shows its terminals; the devices page names the box of a new terminal.
      invalidate(queryKeys.boxes);
      return;
    }
    case 'box':
      invalidate(queryKeys.boxes);
      invalidate(queryKeys.devices);
      return;
  }
}
