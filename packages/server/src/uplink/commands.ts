import type { BoxCommand as ContractCommand, ServerCommand } from '@kassa/contract';
import { ContractError, parseServerToBox } from '@kassa/contract';
import type { BoxCommand as QueuedCommand } from '../repos/box-commands.js';

/**
 * Turns a queued command (the services' PaymentCommand, stored as JSON) into the contract message a
 * box understands. The result is checked against the contract before it leaves, so a command the
 * box would refuse as malformed is never sent: it is reported to the caller instead.
 */
export function toServerCommand(queued: QueuedCommand): ServerCommand | { error: string } {
  const command = contractCommand(queued);
  if (command === null) return { error: `command ${queued.id} has kind ${queued.kind} or a payload the box contract does not describe` };
  const message: ServerCommand = { type: 'command', commandId: queued.id, command };
  try {
    parseServerToBox(JSON.stringify(message));
  } catch (error) {
    if (error instanceof ContractError) return { error: `command ${queued.id} does not match the box contract: ${error.message}` };
    throw error;
  }
  return message;
}

function contractCommand(queued: QueuedCommand): ContractCommand | null {
  const payload = queued.payload;
  if (typeof payload !== 'object' || payload === null) return null;
  const fields = payload as Record<string, unknown>;
  const paymentUuid = fields['paymentUuid'];
  const terminalId = fields['terminalId'];
  if (typeof paymentUuid !== 'string' || typeof terminalId !== 'string') return null;
  switch (queued.kind) {
    case 'pay': {
      const amountCents = fields['amountCents'];
      if (typeof amountCents !== 'number') return null;
      const transactionKind = fields['transactionKind'];
      const transactionType = fields['transactionType'];
      return {
        kind: 'startTransaction',
        paymentUuid,
        terminalId,
        amountCents,
        // A refund says so; a purchase carries no kind, as every box before refunds expects.
        ...(transactionKind === 'refund' ? { transactionKind: 'refund' as const } : {}),
        ...(typeof transactionType === 'string' ? { transactionType } : {}),
      };
    }
    case 'cancel':
      return { kind: 'cancelTransaction', paymentUuid, terminalId };
    case 'recover':
      return { kind: 'recoverTransaction', paymentUuid, terminalId };
    case 'release': {
      const reason = fields['reason'];
      return typeof reason === 'string' ? { kind: 'releaseTransaction', paymentUuid, terminalId, reason: reason.slice(0, 500) } : null;
    }
    default:
      return null;
  }
}
