import { describe, expect, it } from 'vitest';
import { toServerCommand } from './commands.js';

const paymentUuid = '3f0d1c52-8a4e-4c7b-9a57-1d2b6f0e9c11';
const queued = (payload: object) => ({ id: 7, boxId: 'b', kind: 'pay', payload: { kind: 'pay', paymentUuid, terminalId: 'T1', amountCents: 350, ...payload } });

describe('toServerCommand', () => {
  it('starts a purchase without a kind, as every box before refunds reads it', () => {
    expect(toServerCommand(queued({}))).toEqual({ type: 'command', commandId: 7, command: { kind: 'startTransaction', paymentUuid, terminalId: 'T1', amountCents: 350 } });
  });

  it('carries a refund’s kind and the TransactionType its payment method names', () => {
    expect(toServerCommand(queued({ transactionKind: 'refund' }))).toMatchObject({ command: { kind: 'startTransaction', transactionKind: 'refund' } });
    expect(toServerCommand(queued({ transactionKind: 'refund', transactionType: '21' }))).toMatchObject({ command: { transactionKind: 'refund', transactionType: '21' } });
  });

  it('reports a TransactionType the contract does not take instead of sending it', () => {
    expect(toServerCommand(queued({ transactionKind: 'refund', transactionType: 'refund' }))).toMatchObject({ error: expect.stringContaining('does not match the box contract') });
  });
});
