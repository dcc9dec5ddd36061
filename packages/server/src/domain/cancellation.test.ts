import { describe, expect, it } from 'vitest';
import { errorCode } from '../test-support/errors.js';
import type { CancelCheck } from './cancellation.js';
import { planCancelRefunds } from './cancellation.js';
import type { Device } from './devices.js';
import type { PaymentState } from './payment-states.js';

const terminal = (id: number, over: Partial<Device> = {}): Device => ({
  id,
  boxId: 'box-1',
  type: 'payment',
  make: 'Ingenico',
  model: 'Lane/5000',
  terminalId: `T${id}`,
  online: true,
  removed: false,
  approval: 'approved',
  sharedWith: [],
  ...over,
});
const methods: CancelCheck['methods'] = [
  { id: 1, kind: 'bank', terminal: 'ingenico' },
  { id: 2, kind: 'cash', terminal: 'none' },
  { id: 3, kind: 'bank', terminal: 'none' },
];
const line = (methodId: number, amountCents: number, state: PaymentState = 'done', deviceId: number | null = methodId === 1 ? 7 : null) => ({
  uuid: `p-${methodId}-${amountCents}-${state}`,
  methodId,
  amountCents,
  state,
  deviceId,
});
const check = (payments: ReturnType<typeof line>[], over: Partial<CancelCheck> = {}): CancelCheck => ({
  order: { state: 'draft', payments },
  methods,
  devices: [terminal(7), terminal(8)],
  activeOnDevice: new Map(),
  ...over,
});

describe('planCancelRefunds', () => {
  it('gives nothing back for an order that took nothing (void lines carry no money)', () => {
    expect(planCancelRefunds(check([line(1, 500, 'retry'), line(2, 300, 'failed')]))).toEqual([]);
  });

  it('pays back each terminal its card lines added up, and each other method at once', () => {
    const plan = planCancelRefunds(check([line(1, 500), line(1, 200, 'forceDone'), line(1, 100, 'done', 8), line(2, 300), line(3, 50), line(1, 999, 'retry')]));
    expect(plan.map((r) => ({ key: r.key, methodId: r.methodId, device: r.device?.id ?? null, amountCents: r.amountCents }))).toEqual([
      { key: 'device:7', methodId: 1, device: 7, amountCents: 700 },
      { key: 'device:8', methodId: 1, device: 8, amountCents: 100 },
      { key: 'method:2', methodId: 2, device: null, amountCents: 300 },
      { key: 'method:3', methodId: 3, device: null, amountCents: 50 },
    ]);
  });

  it('refuses an order that is not a draft, or with a line still running', () => {
    expect(errorCode(() => planCancelRefunds({ ...check([]), order: { state: 'paid', payments: [] } }))).toBe('KASSA_ORDER_NOT_DRAFT');
    expect(errorCode(() => planCancelRefunds(check([line(1, 500), line(1, 100, 'unknown')])))).toBe('KASSA_PAYMENT_IN_PROGRESS');
  });

  it('refuses when a terminal that must pay back is offline, busy, untrusted or gone', () => {
    expect(errorCode(() => planCancelRefunds(check([line(1, 500)], { devices: [terminal(7, { online: false })] })))).toBe('KASSA_DEVICE_OFFLINE');
    expect(errorCode(() => planCancelRefunds(check([line(1, 500)], { activeOnDevice: new Map([[7, 1]]) })))).toBe('KASSA_TERMINAL_BUSY');
    expect(errorCode(() => planCancelRefunds(check([line(1, 500)], { devices: [terminal(7, { approval: 'quarantined' })] })))).toBe('KASSA_DEVICE_QUARANTINED');
    expect(errorCode(() => planCancelRefunds(check([line(1, 500)], { devices: [] })))).toBe('KASSA_DEVICE_GONE');
    expect(errorCode(() => planCancelRefunds(check([line(1, 500)], { devices: [terminal(7, { removed: true })] })))).toBe('KASSA_DEVICE_GONE');
  });
});
