import { describe, expect, it } from 'vitest';
import { SimErrorCode } from './errors.js';
import { parseScript, validateScript } from './script.js';
import { useBox } from './test-support/harness.js';
import { waitUntil } from './test-support/wait.js';

describe('parseScript', () => {
  it('reads a list of steps, bare or under "steps"', () => {
    const steps = [{ stage: 'WaitingForCard' }, { wait: 10 }, { result: 'Approved', authorisationCode: 'A1B2C3' }];
    expect(parseScript(JSON.stringify(steps))).toEqual(steps);
    expect(parseScript(JSON.stringify({ steps }))).toEqual(steps);
  });

  const bad: [unknown, RegExp][] = [
    [{}, /a script is a list of steps/],
    [[], /at least one step/],
    [[{ stage: 'Dancing' }], /step 1: stage "Dancing" is not a TransactionStage name/],
    [[{ wait: -1 }], /step 1: wait must be a whole number/],
    [[{ stage: 'WaitingForCard' }, { result: 'Maybe' }], /step 2: result "Maybe"/],
    [[{ hex: 'abc' }], /hex must be an even number of hex digits/],
    [[{ wait: 1, drop: true }], /exactly one of/],
    [[{ drop: true, colour: 'red' }], /unknown field "colour"/],
    [[{ result: 'Approved', cardBrand: 'VISA' }], /cardBrand must be 4 digits/],
    [[{ waitFor: 'coin' }], /waitFor must be "card" or "pin-ok"/],
    [[{ junk: 'noise' }], /junk must be/],
  ];
  for (const [value, message] of bad) {
    it(`rejects ${JSON.stringify(value)} with SIM_BAD_SCRIPT`, () => {
      expect(() => validateScript(value)).toThrow(message);
      try {
        validateScript(value);
      } catch (error) {
        expect((error as { code: string }).code).toBe(SimErrorCode.BadScript);
      }
    });
  }

  it('rejects text that is not JSON', () => {
    expect(() => parseScript('{steps:')).toThrow(/SIM_BAD_SCRIPT: not JSON/);
  });
});

describe('a script run by the terminal', () => {
  const { box, start } = useBox();

  it('sends its stages, raw bytes and final result, then drops the line', async () => {
    const { terminal, session } = await start({
      scenario: [
        { stage: 'WaitingForCard', message: 'Tap here' },
        { wait: 5 },
        { info: 'Contactless' },
        { stage: 'WaitingForTransaction' },
        { result: 'Approved', authorisationCode: 'XY1234', cardBrand: '0003', tickets: false },
        { hex: '00000001ff' },
        { drop: true },
      ],
    });
    session.sendTransaction(501n, 1500);
    const final = await session.waitForFinal(501n);
    await session.waitClosed();
    expect(session.trace(1)).toEqual([
      'TransactionResponse:WaitingForCard',
      'InformationReport:WaitingForCard',
      'InformationReport',
      'TransactionResponse:WaitingForTransaction',
      'InformationReport:WaitingForTransaction',
      'TransactionResponse:Approved',
    ]);
    expect(session.received[2]?.body.stageMessage).toBe('Tap here');
    expect(final.body.transactionData?.authorisationCode).toBe('XY1234');
    expect(final.body.cardBrandIdentifier).toBe('0003');
    expect(final.body.tickets).toBeUndefined();
    expect(session.errors.map((e) => e.code)).toEqual(['TLV_FRAME_TOO_SMALL']);
    expect(terminal.ledger[0]).toMatchObject({ result: 'Approved', cardBrand: '0003', cardScheme: 'VISA', authorisationCode: 'XY1234' });
    await box().session('12345678', session);
  });

  it('runs the same steps for every TransactionRequest', async () => {
    const { terminal, session } = await start({ scenario: [{ stage: 'WaitingForCard' }, { result: 'Declined' }] });
    session.sendTransaction(1n, 100);
    await session.waitForFinal(1n);
    session.sendTransaction(2n, 200);
    await session.waitForFinal(2n);
    await waitUntil(() => terminal.ledger.length === 2, 'two transactions');
    expect(terminal.ledger.map((e) => e.result)).toEqual(['Declined', 'Declined']);
  });
});
