import { describe, expect, it } from 'vitest';
import { messageText, resultEvent, resultNameOf, stageEvent, ticketsOf } from './mapping.js';

const ref = { paymentUuid: '6f1c2b8e-2a4b-4c1d-9e0f-0a1b2c3d4e5f', terminalId: 'T1', transactionId: '99' };

describe('result mapping', () => {
  it('keeps every ticket record in order with its parts', () => {
    const tickets = ticketsOf({
      tickets: [
        { ticketType: 1, ticketBody: 'MERCHANT' },
        { ticketType: 2, ticketHeader: 'H', ticketBody: 'CARDHOLDER', ticketFooter: 'F' },
      ],
    });
    expect(tickets).toEqual([
      { type: 1, header: null, text: 'MERCHANT', footer: null },
      { type: 2, header: 'H', text: 'CARDHOLDER', footer: 'F' },
    ]);
  });

  it('builds a result with amount, brand and authorisation code', () => {
    const event = resultEvent(ref, { transactionResult: 0, transactionData: { amount: 1234, authorisationCode: 'A1B2' }, cardBrandIdentifier: '0002' }, false);
    expect(event).toMatchObject({
      result: 'Approved',
      resultId: 0,
      amountCents: 1234,
      authorisationCode: 'A1B2',
      cardBrand: '0002',
      tickets: [],
      recovered: false,
    });
  });

  it('names an unknown result value Unknown and keeps its number', () => {
    expect(resultNameOf(9)).toBe('Unknown');
    expect(resultEvent(ref, { transactionResult: 9 }, true)).toMatchObject({ result: 'Unknown', resultId: 9, amountCents: null, recovered: true });
  });

  it('names stages, also ones the protocol does not know', () => {
    expect(stageEvent(ref, 2).stage).toBe('WaitingForPin');
    expect(stageEvent(ref, 77)).toMatchObject({ stage: 'Stage(77)', stageId: 77 });
  });

  it('takes the stage message, else the merchant text', () => {
    expect(messageText({ stageMessage: 'Insert card' })).toBe('Insert card');
    expect(messageText({ merchantText: 'Call bank' })).toBe('Call bank');
    expect(messageText({})).toBeUndefined();
  });
});
