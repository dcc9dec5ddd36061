import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PaymentLineView, PaymentState } from './payment-states.js';
import { PAYMENT_STATES } from './payment-states.js';
import { amountDue, cashTender, paidAndRunning } from './payments.js';

const lineArb = fc.record({
  uuid: fc.uuid(),
  amountCents: fc.integer({ min: 1, max: 1_000_000 }),
  state: fc.constantFrom<PaymentState>(...PAYMENT_STATES),
  deviceId: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
});

describe('cash, change and due arithmetic', () => {
  it('a cash line never counts more than is due, and amount + change is always what was handed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 1, max: 10_000_000 }), (dueCents, tenderedCents) => {
        const line = cashTender({ dueCents, tenderedCents });
        expect(line.amountCents).toBeLessThanOrEqual(dueCents);
        expect(line.amountCents).toBeGreaterThan(0);
        expect(line.amountCents + (line.changeCents ?? -1)).toBe(tenderedCents);
        expect(line.changeCents === 0).toBe(tenderedCents <= dueCents);
      }),
    );
  });

  it('paid + running + due is always the order total, whatever the mix of lines, in whole cents', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.array(lineArb, { maxLength: 20 }), (totalCents, payments: PaymentLineView[]) => {
        const { paidCents, runningCents } = paidAndRunning(payments);
        const due = amountDue({ totalCents, payments });
        expect(paidCents + runningCents + due).toBe(totalCents);
        expect(Number.isInteger(due)).toBe(true);
      }),
    );
  });

  it('taking cash lines until nothing is due settles the order exactly, with the change as the only excess', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(fc.integer({ min: 1, max: 500_000 }), { minLength: 1, maxLength: 30 }),
        (totalCents, tenders) => {
          const payments: PaymentLineView[] = [];
          let change = 0;
          for (const [i, tenderedCents] of tenders.entries()) {
            const dueCents = amountDue({ totalCents, payments });
            if (dueCents === 0) break;
            const line = cashTender({ dueCents, tenderedCents });
            change += line.changeCents ?? 0;
            payments.push({ uuid: `c${i}`, amountCents: line.amountCents, state: 'done', deviceId: null });
          }
          const { paidCents } = paidAndRunning(payments);
          const handed = tenders.slice(0, payments.length).reduce((a, b) => a + b, 0);
          expect(paidCents + amountDue({ totalCents, payments })).toBe(totalCents);
          expect(handed - change).toBe(paidCents);
        },
      ),
    );
  });
});
