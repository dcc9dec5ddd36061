import type { ClosingPayment } from '../domain/closing.js';

/** A paid payment of a session for the closing tests: the given fields over plain defaults. */
export function pay(fields: Partial<ClosingPayment> & Pick<ClosingPayment, 'methodId' | 'methodName' | 'kind' | 'amountCents' | 'state'>): ClosingPayment {
  return {
    uuid: '00000000-0000-4000-8000-000000000001',
    orderId: '00000000-0000-4000-8000-0000000000a1',
    receiptNumber: 1,
    deviceId: null,
    terminalId: null,
    tenderedCents: null,
    changeCents: null,
    settledBy: null,
    approvedBy: null,
    settleReason: null,
    ...fields,
  };
}
