import type { ZReport } from '@kassa/contract';
import { describe, expect, it } from 'vitest';
import { euros, zReportCsv } from './z-report-csv.js';

const REPORT: ZReport = {
  sessionId: 7,
  posConfigId: 1,
  posName: 'Counter',
  openedBy: 'cas',
  closedBy: 'cas',
  openedAt: '2026-12-06T08:00:00.000Z',
  closedAt: '2026-12-06T18:00:00.000Z',
  openingCashCents: 10_000,
  cashSalesCents: 950,
  cashSalesCount: 1,
  changeGivenCents: 1_050,
  cashRefundsCents: 0,
  expectedCashCents: 10_950,
  countedCashCents: 10_000,
  cashDifferenceCents: -950,
  thresholdCents: 500,
  count: [{ valueCents: 5_000, quantity: 2 }],
  differenceApprovedBy: 'mia',
  differenceReason: 'short, "counted" twice',
  totals: [{ methodId: 1, methodName: 'Cash', totalCents: 950, count: 1 }],
  cards: [
    {
      methodId: 3,
      methodName: '=HYPERLINK("http://evil")',
      deviceId: 2,
      terminalId: '@87654321',
      salesCount: 1,
      salesCents: 100,
      refundsCount: 0,
      refundsCents: 0,
    },
    { methodId: 2, methodName: 'Card', deviceId: 1, terminalId: '12345678', salesCount: 2, salesCents: 1_900, refundsCount: 0, refundsCents: 0 },
  ],
  settledByHand: [],
};

describe('the Z report as CSV', () => {
  it('writes cents as integers beside euros with two decimals, negative ones too', () => {
    expect([euros(0), euros(5), euros(-950), euros(123_456)]).toEqual(['0.00', '0.05', '-9.50', '1234.56']);
    const lines = zReportCsv(REPORT).split('\r\n');
    expect(lines[0]).toBe('section,item,method,terminal,count,cents,euro');
    expect(lines).toContain('cash,difference,,,,-950,-9.50');
    expect(lines).toContain('count,50.00,,,2,10000,100.00');
    expect(lines).toContain('card,sales,Card,12345678,2,1900,19.00');
    expect(lines).toContain('cash,"difference approved by mia: short, ""counted"" twice",,,,,');
  });

  it('escapes text a spreadsheet would run as a formula', () => {
    const csv = zReportCsv(REPORT);
    expect(csv).not.toMatch(/(^|,)"?=HYPERLINK/m);
    expect(csv).toContain(`card,sales,"'=HYPERLINK(""http://evil"")",'@87654321,1,100,1.00`);
  });
});
