import type { Payment, PaymentDetail, PaymentState } from '@kassa/contract';

/** Test data only: a payment as the API shows it, and its detail, for the screens' pure rules. */
export type HistoryEntry = PaymentDetail['history'][number];

export const PAYMENT_UUID = '6f1c0a52-4a77-4b47-9a51-7f7d8a9d9c11';
export const ORDER_ID = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';

/** A card payment of €9.80 on terminal 1, created and last changed at `at`. */
export function payment(state: PaymentState, at: string, extra: Partial<Payment> = {}): Payment {
  return {
    uuid: PAYMENT_UUID,
    orderId: ORDER_ID,
    paymentMethodId: 1,
    amountCents: 980,
    state,
    deviceId: 1,
    createdAt: at,
    updatedAt: at,
    settledBy: null,
    settleReason: null,
    approvedBy: null,
    tenderedCents: null,
    changeCents: null,
    kind: 'payment',
    ...extra,
  };
}

/** A history entry from the box that leaves the payment in `toState`. */
export function entry(at: string, event: string, toState: PaymentState, extra: Partial<HistoryEntry> = {}): HistoryEntry {
  return { at, source: 'box', event, fromState: toState, toState, message: null, userId: null, data: null, ...extra };
}

/** That payment's detail, with `history` and no tickets. */
export function detail(state: PaymentState, history: HistoryEntry[], at: string): PaymentDetail {
  return { payment: payment(state, at), history, tickets: [] };
}
