import type { Device, LiveEvent, Order, Payment, PaymentDetail } from '@kassa/contract';
import type { QueryClient } from '@tanstack/react-query';
import { queryKeys } from './queryKeys';

function field(data: unknown, name: string): unknown {
  return typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[name] : undefined;
}

function paymentOf(data: unknown): Payment | null {
  const payment = field(data, 'payment') as Partial<Payment> | undefined;
  return typeof payment?.uuid === 'string' && typeof payment.orderId === 'string' && typeof payment.state === 'string' ? (payment as Payment) : null;
}

function orderOf(data: unknown): Order | null {
  const order = field(data, 'order') as Partial<Order> | undefined;
  return typeof order?.id === 'string' && Array.isArray(order.payments) ? (order as Order) : null;
}

function deviceOf(data: unknown): Device | null {
  const device = field(data, 'device') as Partial<Device> | undefined;
  return typeof device?.id === 'number' && typeof device.terminalId === 'string' && typeof device.boxId === 'string' && typeof device.approval === 'string' ? (device as Device) : null;
}

/** A device as announced: replaces the one cached, or leaves the list once removed; undefined when the list must be re-read. */
function withDevice(list: Device[], device: Device): Device[] | undefined {
  if (device.removed) return list.filter((d) => d.id !== device.id);
  return list.some((d) => d.id === device.id) ? list.map((d) => (d.id === device.id ? device : d)) : undefined;
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
      const payment = paymentOf(event.data);
      if (payment === null) {
        invalidate(queryKeys.payments.all);
        invalidate(queryKeys.orders.all);
      } else {
        // The state at once; the history (the terminal's words) is re-read with it.
        client.setQueryData<PaymentDetail>(queryKeys.payments.detail(payment.uuid), (previous) => (previous === undefined ? previous : { ...previous, payment }));
        invalidate(queryKeys.payments.detail(payment.uuid));
        invalidate(queryKeys.orders.detail(payment.orderId));
        invalidate(queryKeys.orders.receipt(payment.orderId));
        invalidate(queryKeys.payments.lists());
        invalidate(queryKeys.orders.lists());
      }
      invalidate(queryKeys.sessions.closingPreviews());
      return;
    }
    case 'order': {
      const order = orderOf(event.data);
      if (order === null) invalidate(queryKeys.orders.all);
      else {
        client.setQueryData<Order>(queryKeys.orders.detail(order.id), order);
        invalidate(queryKeys.orders.receipt(order.id));
        invalidate(queryKeys.orders.lists());
      }
      invalidate(queryKeys.sessions.closingPreviews());
      return;
    }
    case 'device': {
      const device = deviceOf(event.data);
      const updated = device === null ? undefined : client.getQueryData<Device[]>(queryKeys.devices);
      const next = device === null || updated === undefined ? undefined : withDevice(updated, device);
      if (next === undefined) invalidate(queryKeys.devices);
      else client.setQueryData<Device[]>(queryKeys.devices, next);
      // A box shows its terminals; a method its terminal's state.
      invalidate(queryKeys.boxes);
      return;
    }
    case 'box':
      invalidate(queryKeys.boxes);
      invalidate(queryKeys.devices);
      return;
  }
}
