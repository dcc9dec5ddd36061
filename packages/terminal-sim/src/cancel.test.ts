import { describe, expect, it } from 'vitest';
import { SimResultCode } from './ledger.js';
import { useBox } from './test-support/harness.js';
import { waitUntil } from './test-support/wait.js';

const { start } = useBox();

describe('a CancelRequest from the box', () => {
  it('stops the payment while the terminal waits for a card, answering CancelResponse 0000 then Stopped', async () => {
    const { terminal, session } = await start({ scenario: 'approve', manualKeys: true });
    session.sendTransaction(1n, 1000);
    await session.waitFor((m) => m.body.transactionStage === 1, 'WaitingForCard');
    session.sendCancel();
    await session.waitForFinal(1n);
    expect(session.trace(1)).toEqual([
      'TransactionResponse:WaitingForCard',
      'InformationReport:WaitingForCard',
      'CancelResponse:0',
      'TransactionResponse:Stopped',
    ]);
    expect(terminal.ledger[0]).toMatchObject({ result: 'Stopped', reportedToBox: true });
  });

  it('stops the payment while the terminal waits for the PIN', async () => {
    const { terminal, session } = await start({ scenario: 'approve', manualKeys: true });
    session.sendTransaction(2n, 1000);
    await session.waitFor((m) => m.body.transactionStage === 1, 'WaitingForCard');
    terminal.press('card');
    await session.waitFor((m) => m.body.transactionStage === 2, 'WaitingForPin');
    session.sendCancel();
    const final = await session.waitForFinal(2n);
    expect(final.body.transactionResult).toBe(3);
    expect(session.trace().slice(-2)).toEqual(['CancelResponse:0', 'TransactionResponse:Stopped']);
  });

  it('is refused once the authorisation runs, and the payment finishes on its own', async () => {
    const { terminal, session } = await start({
      manualKeys: true,
      scenario: [{ stage: 'WaitingForCard' }, { stage: 'CardDetected' }, { stage: 'WaitingForTransaction' }, { waitFor: 'pin-ok' }, { result: 'Approved' }],
    });
    session.sendTransaction(3n, 1000);
    await session.waitFor((m) => m.body.transactionStage === 3, 'WaitingForTransaction');
    session.sendCancel();
    const answer = await session.waitFor((m) => m.type === 'CancelResponse', 'CancelResponse');
    expect(answer.body.resultCode).toBe(SimResultCode.CancelTooLate);
    terminal.press('pin-ok');
    const final = await session.waitForFinal(3n);
    expect(final.body.transactionResult).toBe(0);
    expect(terminal.ledger.map((e) => e.result)).toEqual(['Approved']);
  });

  it('is answered with a non-zero ResultCode when nothing runs', async () => {
    const { session } = await start({ scenario: 'approve' });
    session.sendCancel();
    const answer = await session.waitFor((m) => m.type === 'CancelResponse', 'CancelResponse');
    expect(answer.body.resultCode).toBe(SimResultCode.NothingToCancel);
  });
});

describe('the keypad', () => {
  it('the stop key ends a payment that waits for a card, without a CancelResponse', async () => {
    const { terminal, session } = await start({ scenario: 'approve', manualKeys: true });
    session.sendTransaction(4n, 1000);
    await session.waitFor((m) => m.body.transactionStage === 1, 'WaitingForCard');
    terminal.press('stop');
    await session.waitForFinal(4n);
    expect(session.trace(1)).toEqual(['TransactionResponse:WaitingForCard', 'InformationReport:WaitingForCard', 'TransactionResponse:Stopped']);
  });

  it('card and PIN keys drive a manual payment to its end', async () => {
    const { terminal, session } = await start({ scenario: 'approve', manualKeys: true });
    const screens: string[] = [];
    terminal.events.on('screen', (text: string) => screens.push(text));
    session.sendTransaction(5n, 1000);
    await session.waitFor((m) => m.body.transactionStage === 1, 'WaitingForCard');
    terminal.press('pin-ok');
    terminal.press('card');
    await session.waitFor((m) => m.body.transactionStage === 2, 'WaitingForPin');
    terminal.press('pin-ok');
    await session.waitForFinal(5n);
    expect(screens.slice(0, 3)).toEqual(['Presenteer kaart', 'Kaart gelezen', 'Voer uw PIN in']);
    expect(terminal.ledger.map((e) => e.result)).toEqual(['Approved']);
  });
});

describe('a second TransactionRequest while one runs', () => {
  it('gets an Error result for its own id and leaves the running payment alone', async () => {
    const { terminal, session } = await start({ scenario: 'approve', manualKeys: true });
    session.sendTransaction(10n, 1000);
    await session.waitFor((m) => m.body.transactionStage === 1, 'WaitingForCard');
    session.sendTransaction(11n, 2000);
    const refused = await session.waitForFinal(11n);
    expect(refused.body).toMatchObject({ transactionStage: 4, transactionResult: 1, transactionId: 11n });
    terminal.press('card');
    await waitUntil(() => session.received.some((m) => m.body.transactionStage === 2), 'WaitingForPin');
    terminal.press('pin-ok');
    const final = await session.waitForFinal(10n);
    expect(final.body.transactionResult).toBe(0);
    expect(terminal.ledger.map((e) => e.transactionId)).toEqual([10n]);
  });

  it('a request without an amount is answered with Error', async () => {
    const { terminal, session } = await start({ scenario: 'approve' });
    session.send('TransactionRequest', { transactionId: 12n });
    const refused = await session.waitForFinal(12n);
    expect(refused.body.transactionResult).toBe(1);
    expect(terminal.ledger).toEqual([]);
  });
});
