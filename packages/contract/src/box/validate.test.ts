import { describe, expect, it } from 'vitest';
import { boxUplinkUrl } from './version.js';
import { checkBoxCommand, checkBoxEvent, ContractError, MAX_UPLINK_MESSAGE_BYTES, parseBoxToServer, parseServerToBox } from './validate.js';

const uuid = '6f1c2b8e-2a4b-4c1d-9e0f-0a1b2c3d4e5f';
const at = '2026-11-25T10:00:00.000Z';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ContractError) return error.code;
    throw error;
  }
  throw new Error('expected a ContractError');
}

describe('parseBoxToServer', () => {
  it('accepts a hello with its devices', () => {
    const hello = {
      type: 'hello',
      version: 1,
      boxId: uuid,
      software: 'kassa-iotbox 0.1.0',
      devices: [{ terminalId: '12345678', model: 'lane5000', serialNumber: null, address: '10.0.0.5', online: true, lastSeen: at, state: 'idle' }],
    };
    expect(parseBoxToServer(JSON.stringify(hello))).toEqual(hello);
  });

  it('accepts a transaction result with every ticket record', () => {
    const message = {
      type: 'event',
      id: 'j:42',
      at,
      event: {
        kind: 'transactionResult',
        paymentUuid: uuid,
        terminalId: '12345678',
        transactionId: '123456789012345',
        result: 'Approved',
        resultId: 0,
        amountCents: 1234,
        authorisationCode: 'A1B2C3',
        cardBrand: '0002',
        tickets: [
          { type: 1, header: null, text: 'MERCHANT', footer: null },
          { type: 2, header: null, text: 'CARDHOLDER', footer: null },
        ],
        recovered: false,
      },
    };
    expect(parseBoxToServer(JSON.stringify(message))).toEqual(message);
  });

  it('accepts a terminal conflict and refuses one without a known reason', () => {
    const event = { kind: 'terminalConflict', terminalId: '12345678', address: '10.0.0.66', serialNumber: '999S00000000', reason: 'otherAddress', attempts: 3 };
    const message = { type: 'event', id: 'j:43', at, event };
    expect(parseBoxToServer(JSON.stringify(message))).toEqual(message);
    expect(codeOf(() => parseBoxToServer(JSON.stringify({ ...message, event: { ...event, reason: 'because' } })))).toBe('CONTRACT_INVALID');
    expect(codeOf(() => parseBoxToServer(JSON.stringify({ ...message, event: { ...event, attempts: 0 } })))).toBe('CONTRACT_INVALID');
  });

  it('refuses text that is not JSON', () => {
    expect(codeOf(() => parseBoxToServer('{nope'))).toBe('CONTRACT_BAD_JSON');
  });

  it('refuses an unknown event kind and names where', () => {
    const bad = { type: 'event', id: 'j:1', at, event: { kind: 'teleport', paymentUuid: uuid } };
    expect(codeOf(() => parseBoxToServer(JSON.stringify(bad)))).toBe('CONTRACT_INVALID');
  });

  it('refuses extra fields, fractional cents and a bad uuid', () => {
    const base = { kind: 'transactionSent', paymentUuid: uuid, terminalId: '1', transactionId: '1', amountCents: 100 };
    for (const event of [
      { ...base, extra: 1 },
      { ...base, amountCents: 1.5 },
      { ...base, amountCents: 0 },
      { ...base, paymentUuid: 'x' },
    ]) {
      expect(codeOf(() => parseBoxToServer(JSON.stringify({ type: 'event', id: 'j:1', at, event })))).toBe('CONTRACT_INVALID');
    }
  });

  it('refuses a message larger than the limit before parsing it', () => {
    expect(codeOf(() => parseBoxToServer(' '.repeat(MAX_UPLINK_MESSAGE_BYTES + 1)))).toBe('CONTRACT_TOO_LARGE');
  });
});

describe('parseServerToBox', () => {
  it('accepts a start command and an ack', () => {
    const command = { type: 'command', commandId: 7, command: { kind: 'startTransaction', paymentUuid: uuid, terminalId: '12345678', amountCents: 1234 } };
    expect(parseServerToBox(JSON.stringify(command))).toEqual(command);
    expect(parseServerToBox('{"type":"ack","ids":["j:1","j:2"]}')).toEqual({ type: 'ack', ids: ['j:1', 'j:2'] });
  });

  it('refuses an amount the terminal cannot show', () => {
    const command = { type: 'command', commandId: 7, command: { kind: 'startTransaction', paymentUuid: uuid, terminalId: '1', amountCents: 100_000_000 } };
    expect(codeOf(() => parseServerToBox(JSON.stringify(command)))).toBe('CONTRACT_INVALID');
  });

  it('refuses an empty ack', () => {
    expect(codeOf(() => parseServerToBox('{"type":"ack","ids":[]}'))).toBe('CONTRACT_INVALID');
  });
});

describe('boxUplinkUrl', () => {
  it('turns the server base URL into the uplink WebSocket URL', () => {
    expect(boxUplinkUrl('http://127.0.0.1:8080')).toBe('ws://127.0.0.1:8080/api/box/uplink');
    expect(boxUplinkUrl('https://pos.example.be/kassa/')).toBe('wss://pos.example.be/kassa/api/box/uplink');
  });

  it('refuses a URL that is not http or ws', () => {
    expect(() => boxUplinkUrl('ftp://x')).toThrow(TypeError);
  });
});

describe('checkBoxEvent', () => {
  const stage = { kind: 'transactionStage', paymentUuid: uuid, terminalId: '12345678', stage: 'WaitingForCard', stageId: 1 };

  it('accepts an event of any kind that parseBoxToServer accepts inside a message', () => {
    expect(() => checkBoxEvent(stage)).not.toThrow();
    expect(parseBoxToServer(JSON.stringify({ type: 'event', id: 'j:1', at, event: stage })).type).toBe('event');
  });

  it('refuses what parseBoxToServer refuses, with the path from the message root', () => {
    const tooLong = { ...stage, stage: 'x'.repeat(65) };
    expect(() => checkBoxEvent(tooLong)).toThrow(expect.objectContaining({ name: 'ContractError', code: 'CONTRACT_INVALID', path: '/event/stage' }));
    expect(codeOf(() => parseBoxToServer(JSON.stringify({ type: 'event', id: 'j:1', at, event: tooLong })))).toBe('CONTRACT_INVALID');
  });

  it('refuses a field the kind does not have and an unknown kind', () => {
    expect(codeOf(() => checkBoxEvent({ ...stage, extra: 1 }))).toBe('CONTRACT_INVALID');
    expect(codeOf(() => checkBoxEvent({ ...stage, kind: 'teleport' }))).toBe('CONTRACT_INVALID');
    expect(codeOf(() => checkBoxEvent(null))).toBe('CONTRACT_INVALID');
  });
});

describe('checkBoxCommand', () => {
  it('takes each command the server may queue, as the command message carries it', () => {
    const commands = [
      { kind: 'startTransaction', paymentUuid: uuid, terminalId: '12345678', amountCents: 950 },
      { kind: 'startTransaction', paymentUuid: uuid, terminalId: '12345678', amountCents: 350, transactionKind: 'refund', transactionType: '21' },
      { kind: 'cancelTransaction', paymentUuid: uuid, terminalId: '12345678' },
      { kind: 'recoverTransaction', paymentUuid: uuid, terminalId: '12345678' },
      { kind: 'releaseTransaction', paymentUuid: uuid, terminalId: '12345678', reason: 'ticket seen on the terminal' },
    ];
    for (const command of commands) {
      expect(() => checkBoxCommand(command)).not.toThrow();
      expect(parseServerToBox(JSON.stringify({ type: 'command', commandId: 7, command }))).toMatchObject({ command });
    }
  });

  it('refuses a command the box would refuse, with the path of the bad field', () => {
    const refused = (command: unknown): unknown => {
      try {
        checkBoxCommand(command);
      } catch (error) {
        return error;
      }
      return null;
    };
    expect(refused({ kind: 'pay', paymentUuid: uuid, terminalId: '12345678', amountCents: 950 })).toMatchObject({
      code: 'CONTRACT_INVALID',
      path: '/command/kind',
    });
    expect(refused({ kind: 'startTransaction', paymentUuid: uuid, terminalId: '12345678', amountCents: 950, transactionType: 'refund' })).toMatchObject({
      code: 'CONTRACT_INVALID',
      path: '/command/transactionType',
    });
    expect(refused({ kind: 'releaseTransaction', paymentUuid: uuid, terminalId: '12345678', reason: 'x'.repeat(501) })).toMatchObject({
      code: 'CONTRACT_INVALID',
      path: '/command/reason',
    });
  });
});
