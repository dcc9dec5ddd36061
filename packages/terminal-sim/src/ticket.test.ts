import { describe, expect, it } from 'vitest';
import { CARD_BRANDS, cardFor } from './card.js';
import { amountRuleScenario, scenarioSteps } from './scenarios.js';
import { keyCommand, renderScreen } from './screen.js';
import { formatAmount } from './texts.js';
import { buildTickets, TicketType } from './ticket.js';

const visa = CARD_BRANDS[2]!;
const input = {
  shopName: 'Bakkerij Peeters',
  terminalId: '12345678',
  date: new Date(2026, 10, 25, 9, 5),
  brand: visa,
  maskedPan: '4921 **** **** 1234',
  amountCents: 1234,
  authorisationCode: '123456',
};

describe('tickets', () => {
  it('prints a merchant and a cardholder copy with shop, date, scheme, masked PAN and amount', () => {
    const [merchant, cardholder] = buildTickets({ ...input, language: 'nl', result: 'Approved' });
    expect(merchant?.ticketType).toBe(TicketType.Merchant);
    expect(cardholder?.ticketType).toBe(TicketType.Cardholder);
    expect(merchant?.ticketHeader).toBe('Bakkerij Peeters');
    expect(merchant?.ticketBody).toBe(
      [
        'Terminal: 12345678',
        'Datum: 25/11/2026 09:05',
        'VISA',
        'Kaart: 4921 **** **** 1234',
        'AANKOOP',
        'Bedrag: EUR 12,34',
        'Autorisatiecode: 123456',
        'GOEDGEKEURD',
      ].join('\n'),
    );
    expect(merchant?.ticketFooter).toContain('KOPIE HANDELAAR');
    expect(cardholder?.ticketFooter).toContain('KOPIE KLANT');
  });

  it('names the result in each language', () => {
    expect(buildTickets({ ...input, language: 'fr', result: 'Approved' })[1]?.ticketBody).toContain('ACCEPTÉ');
    expect(buildTickets({ ...input, language: 'en', result: 'Approved' })[1]?.ticketBody).toContain('APPROVED');
    expect(buildTickets({ ...input, language: 'fr', result: 'Declined' })[1]?.ticketBody).toContain('Refusé par la banque');
  });

  it('formats integer cents as euros per language', () => {
    expect(formatAmount('nl', 5)).toBe('EUR 0,05');
    expect(formatAmount('fr', 123456)).toBe('1234,56 EUR');
    expect(formatAmount('en', 99999999)).toBe('EUR 999999.99');
  });

  it('presents the same card for the same transaction id', () => {
    expect(cardFor(123456789012345n)).toEqual(cardFor(123456789012345n));
    expect(cardFor(1234n).maskedPan.endsWith('1234')).toBe(true);
  });
});

describe('scenario plans', () => {
  it('map the last two digits of an amount for amount-rule', () => {
    expect([101, 202, 303, 404, 505, 606, 707, 100].map(amountRuleScenario)).toEqual([
      'decline',
      'stopped',
      'technical-problem',
      'error',
      'no-answer',
      'disconnect-after-card',
      'approve',
      'approve',
    ]);
  });

  it('hold each stage of slow for fifty stage delays', () => {
    const steps = scenarioSteps('slow', { amountCents: 100, stageDelayMs: 20, language: 'nl' });
    expect(steps.filter((s) => 'wait' in s).map((s) => ('wait' in s ? s.wait : 0))).toEqual([1000, 1000, 1000, 1000]);
  });
});

describe('the interactive screen', () => {
  it('shows model, id, state, text and amount', () => {
    const lines = renderScreen({
      model: 'Lane/5000',
      terminalId: '12345678',
      online: true,
      language: 'nl',
      text: 'Presenteer kaart',
      amountCents: 1234,
      lastResult: undefined,
    });
    expect(lines[1]).toContain('Lane/5000 12345678');
    expect(lines[1]).toContain('online');
    expect(lines[3]).toContain('Presenteer kaart');
    expect(lines[4]).toContain('EUR 12,34');
    expect(new Set(lines.slice(0, 7).map((l) => l.length)).size).toBe(1);
  });

  it('maps keys and words to the keypad', () => {
    expect(['c', 'card', 'p', '\r', 'x', '\u001b', 'r', 'q', 'hello'].map(keyCommand)).toEqual([
      'card',
      'card',
      'pin-ok',
      'pin-ok',
      'stop',
      'stop',
      'remove-card',
      'quit',
      undefined,
    ]);
  });
});
