import { TlvErrorCode, TransactionResult } from '@kassa/protocol';
import { describe, expect, it } from 'vitest';
import { useBox } from './test-support/harness.js';
import { waitUntil } from './test-support/wait.js';

const { box, start } = useBox();

const CHIP_AND_PIN = [
  'TransactionResponse:WaitingForCard',
  'InformationReport:WaitingForCard',
  'TransactionResponse:CardDetected',
  'InformationReport:CardDetected',
  'TransactionResponse:WaitingForPin',
  'InformationReport:WaitingForPin',
  'TransactionResponse:WaitingForTransaction',
  'InformationReport:WaitingForTransaction',
];

describe('the approve scenario', () => {
  it('says hello, then runs the four stages and answers Approved with two tickets', async () => {
    const { terminal, session } = await start({ scenario: 'approve' });
    expect(session.trace()).toEqual(['HelloRequest']);
    session.sendTransaction(123456789012345n, 1234);
    const final = await session.waitForFinal(123456789012345n);
    expect(session.trace(1)).toEqual([...CHIP_AND_PIN, 'TransactionResponse:Approved']);
    expect(final.body.transactionStage).toBe(4);
    expect(final.body.transactionData?.amount).toBe(1234);
    expect(final.body.transactionData?.authorisationCode).toMatch(/^\d{6}$/);
    expect(final.body.cardBrandIdentifier).toMatch(/^\d{4}$/);
    expect(final.body.tickets?.map((t) => t.ticketType)).toEqual([1, 2]);
    expect(final.body.tickets?.[1]?.ticketBody).toContain('GOEDGEKEURD');
    expect(final.header.ecrId).toBe('odoo');
    expect(terminal.ledger).toEqual([
      expect.objectContaining({
        transactionId: 123456789012345n,
        amountCents: 1234,
        result: 'Approved',
        reportedToBox: true,
        cardBrand: final.body.cardBrandIdentifier,
      }),
    ]);
  });

  it('numbers its own frames 0, 1, 2, … on each connection', async () => {
    const { session } = await start({ scenario: 'approve' });
    session.sendTransaction(7n, 100);
    await session.waitForFinal(7n);
    expect(session.received.map((m) => m.header.sequenceNumber)).toEqual(session.received.map((_, i) => i));
  });

  it('shows stage messages and prints tickets in French when asked', async () => {
    const { session } = await start({ scenario: 'approve', language: 'fr', shopName: 'Boulangerie Dupont' });
    session.sendTransaction(8n, 1999);
    const final = await session.waitForFinal(8n);
    const report = session.received.find((m) => m.type === 'InformationReport');
    expect(report?.body.stageMessage).toBe('Présentez la carte');
    expect(final.body.tickets?.[0]?.ticketHeader).toBe('Boulangerie Dupont');
    expect(final.body.tickets?.[0]?.ticketBody).toContain('19,99 EUR');
    expect(final.body.tickets?.[0]?.ticketBody).toContain('ACCEPTÉ');
  });
});

describe('the named scenarios', () => {
  const cases: [string, number, string[], string][] = [
    ['decline', 500, [...CHIP_AND_PIN, 'TransactionResponse:Declined'], 'Declined'],
    ['technical-problem', 500, [...CHIP_AND_PIN, 'TransactionResponse:TechnicalProblem'], 'TechnicalProblem'],
    ['error', 500, CHIP_AND_PIN.slice(0, 4).concat('TransactionResponse:Error'), 'Error'],
    ['stopped', 500, CHIP_AND_PIN.slice(0, 2).concat('TransactionResponse:Stopped'), 'Stopped'],
    ['slow', 500, [...CHIP_AND_PIN, 'TransactionResponse:Approved'], 'Approved'],
    ['split', 500, [...CHIP_AND_PIN, 'TransactionResponse:Approved'], 'Approved'],
    ['pin-then-approve', 500, [...CHIP_AND_PIN.slice(0, 6), 'InformationReport', ...CHIP_AND_PIN.slice(4), 'TransactionResponse:Approved'], 'Approved'],
  ];
  for (const [scenario, amount, trace, result] of cases) {
    it(`${scenario} sends ${trace.length} messages ending in ${result}`, async () => {
      const { terminal, session } = await start({ scenario: scenario as 'approve' });
      session.sendTransaction(42n, amount);
      await session.waitForFinal(42n);
      expect(session.trace(1)).toEqual(trace);
      expect(terminal.ledger.map((e) => e.result)).toEqual([result]);
    });
  }

  it('decline prints the decline reason on the tickets', async () => {
    const { session } = await start({ scenario: 'decline', language: 'en' });
    session.sendTransaction(5n, 250);
    const final = await session.waitForFinal(5n);
    expect(final.body.tickets?.[1]?.ticketBody).toContain('DECLINED');
    expect(final.body.tickets?.[1]?.ticketBody).toContain('Declined by the card issuer');
    expect(final.body.transactionData?.authorisationCode).toBeUndefined();
  });

  it('split writes each frame in many small pieces that still decode', async () => {
    const { session } = await start({ scenario: 'split' });
    session.sendTransaction(9n, 900);
    await session.waitForFinal(9n);
    expect(session.errors).toEqual([]);
    expect(session.chunks).toBeGreaterThan(session.received.length * 3);
  });

  it('no-answer stops after WaitingForTransaction and gives up once the connection is gone', async () => {
    const { terminal, session } = await start({ scenario: 'no-answer' });
    session.sendTransaction(11n, 700);
    await waitUntil(() => session.trace(1).length === CHIP_AND_PIN.length, 'the four stages');
    session.sendTransaction(12n, 800);
    const refused = await session.waitForFinal(12n);
    expect(refused.body.transactionResult).toBe(1);
    expect(session.trace(1)).toEqual([...CHIP_AND_PIN, 'TransactionResponse:Error']);
    expect(terminal.ledger).toEqual([]);
    session.close();
    await waitUntil(() => terminal.ledger.length === 1, 'the abandoned transaction');
    expect(terminal.ledger[0]).toMatchObject({ transactionId: 11n, result: 'TechnicalProblem', reportedToBox: false });
  });

  it('disconnect-after-card drops the line after the card and approves anyway, unreported', async () => {
    const { terminal, session } = await start({ scenario: 'disconnect-after-card' });
    session.sendTransaction(21n, 2100);
    await session.waitClosed();
    expect(session.trace(1)).toEqual(CHIP_AND_PIN.slice(0, 4));
    await waitUntil(() => terminal.ledger.length === 1, 'the transaction to finish offline');
    expect(terminal.ledger[0]).toMatchObject({ transactionId: 21n, result: 'Approved', reportedToBox: false });
    const next = await box().session('12345678', session);
    await waitUntil(() => terminal.isConnected, 'the hello of the new connection');
    next.sendLastTransaction(21n);
    const last = await next.waitFor((m) => m.type === 'LastTransactionResponse', 'LastTransactionResponse');
    expect(last.body).toMatchObject({ resultCode: 0, transactionId: 21n, transactionResult: 0, transactionData: { amount: 2100 } });
    expect(last.body.tickets).toHaveLength(2);
    expect(next.trace()).not.toContain('TransactionResponse:Approved');
  });

  it('garbage mixes broken frames with good ones and ends with bytes no box can read', async () => {
    const { terminal, session } = await start({ scenario: 'garbage' });
    session.sendTransaction(31n, 3100);
    await session.waitForFinal(31n);
    expect(session.trace(1)).toEqual([...CHIP_AND_PIN, 'TransactionResponse:Approved']);
    await waitUntil(() => session.errors.some((e) => e.fatal), 'the random bytes');
    const codes = session.errors.map((e) => e.code);
    expect(codes[0]).toBe(TlvErrorCode.MdcMismatch);
    expect(session.errors.slice(0, 2).every((e) => !e.fatal)).toBe(true);
    expect(session.errors[2]?.fatal).toBe(true);
    expect(terminal.ledger[0]).toMatchObject({ result: 'Approved', reportedToBox: true });
  });
});

describe('the amount-rule scenario', () => {
  it('answers by the last two digits of the amount', async () => {
    const { terminal, session } = await start({ scenario: 'amount-rule' });
    const amounts = [1001, 1002, 1003, 1004, 1007, 1000];
    for (const [i, amount] of amounts.entries()) {
      const id = BigInt(100 + i);
      session.sendTransaction(id, amount);
      await session.waitForFinal(id);
    }
    expect(terminal.ledger.map((e) => e.result)).toEqual(['Declined', 'Stopped', 'TechnicalProblem', 'Error', 'Approved', 'Approved']);
  });

  it('never answers an amount ending in 05 and drops the line for one ending in 06', async () => {
    const { terminal, session } = await start({ scenario: 'amount-rule' });
    session.sendTransaction(205n, 1205);
    await waitUntil(() => session.trace(1).length === CHIP_AND_PIN.length, 'the four stages');
    session.close();
    const next = await box().session('12345678', session);
    await waitUntil(() => terminal.isConnected, 'hello again');
    next.sendTransaction(206n, 1206);
    await next.waitClosed();
    await waitUntil(() => terminal.ledger.length === 2, 'both transactions to end');
    expect(terminal.ledger.map((e) => [e.transactionId, e.result, e.reportedToBox])).toEqual([
      [205n, 'TechnicalProblem', false],
      [206n, 'Approved', false],
    ]);
  });

  it('a terminal left without an answer (05) gives up after the give-up time: the LastTransaction asked meanwhile tells TechnicalProblem, and it is free again', async () => {
    const { terminal, session } = await start({ scenario: 'amount-rule', noAnswerGiveUpMs: 300 });
    session.sendTransaction(305n, 1305);
    await waitUntil(() => session.trace(1).length === CHIP_AND_PIN.length, 'the four stages');
    session.sendLastTransaction(305n);
    session.sendTransaction(307n, 1300);
    expect((await session.waitForFinal(307n)).body.transactionResult).toBe(TransactionResult.Error);
    expect(terminal.ledger).toEqual([]);
    const last = await session.waitFor((m) => m.type === 'LastTransactionResponse', 'LastTransactionResponse');
    expect(last.body).toMatchObject({ transactionId: 305n, transactionResult: TransactionResult.TechnicalProblem });
    expect(terminal.ledger.map((e) => [e.transactionId, e.result, e.reportedToBox])).toEqual([[305n, 'TechnicalProblem', false]]);
    session.sendTransaction(306n, 1300);
    expect((await session.waitForFinal(306n)).body.transactionResult).toBe(0);
    // The result of the transaction that never answered was never sent.
    expect(session.trace(1)).not.toContain('TransactionResponse:TechnicalProblem');
  });

  it('a terminal left without an answer is free again once the box cancels (too late to stop it) or the give-up time passes', async () => {
    const { terminal, session } = await start({ scenario: 'amount-rule', noAnswerGiveUpMs: 300 });
    session.sendTransaction(405n, 1405);
    await waitUntil(() => session.trace(1).length === CHIP_AND_PIN.length, 'the four stages');
    session.sendCancel();
    const cancel = await session.waitFor((m) => m.type === 'CancelResponse', 'CancelResponse');
    expect(cancel.body.resultCode).not.toBe(0);
    session.sendTransaction(406n, 1400);
    expect((await session.waitForFinal(406n)).body.transactionResult).toBe(0);
    session.sendTransaction(505n, 1505);
    await waitUntil(() => terminal.ledger.length === 3, 'the give-up time');
    session.sendTransaction(506n, 1500);
    expect((await session.waitForFinal(506n)).body.transactionResult).toBe(0);
    expect(terminal.ledger.map((e) => [e.transactionId, e.result, e.reportedToBox])).toEqual([
      [405n, 'TechnicalProblem', false],
      [406n, 'Approved', true],
      [505n, 'TechnicalProblem', false],
      [506n, 'Approved', true],
    ]);
  });

  it('a script can announce a 2 GiB frame; the box drops that connection and the terminal dials again', async () => {
    const { session } = await start({ scenario: [{ junk: 'huge-length' }] });
    session.sendTransaction(41n, 100);
    await session.waitClosed();
    expect(session.errors.map((e) => [e.code, e.fatal])).toEqual([[TlvErrorCode.FrameTooLarge, true]]);
    const next = await box().session('12345678', session);
    await waitUntil(() => next.received.length === 1, 'hello again');
    next.send('VersionInformationRequest', {});
    await next.waitFor((m) => m.type === 'VersionInformationResponse', 'the version');
  });
});
