import type { TSchema, Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { BoxCommand } from './commands.js';
import { BoxEvent } from './events.js';
import { BoxToServer, ServerToBox } from './messages.js';

export type ContractErrorCode = 'CONTRACT_BAD_JSON' | 'CONTRACT_INVALID' | 'CONTRACT_TOO_LARGE';

/** A message that is not valid JSON or does not match the contract; `path` points at the first bad field. */
export class ContractError extends Error {
  override readonly name = 'ContractError';
  constructor(
    readonly code: ContractErrorCode,
    message: string,
    readonly path = '',
  ) {
    super(message);
  }
}

/** A WebSocket message larger than this is refused before parsing. */
export const MAX_UPLINK_MESSAGE_BYTES = 1_048_576;

function invalid(
  compiled: { Errors(value: unknown): readonly { keyword: string; instancePath: string; message: string }[] },
  value: unknown,
  what: string,
  prefix = '',
): ContractError {
  const errors = compiled.Errors(value);
  const first = errors.find((e) => e.keyword !== 'boolean' && e.keyword !== 'anyOf') ?? errors[0];
  const path = `${prefix}${first?.instancePath ?? ''}`;
  return new ContractError('CONTRACT_INVALID', `${what} invalid at ${path || '/'}: ${first?.message ?? 'does not match the contract'}`, path);
}

function parser<T extends TSchema>(schema: T, what: string): (text: string) => Static<T> {
  const compiled = Compile(schema);
  return (text) => {
    if (text.length > MAX_UPLINK_MESSAGE_BYTES) {
      throw new ContractError('CONTRACT_TOO_LARGE', `${what} of ${text.length} characters exceeds ${MAX_UPLINK_MESSAGE_BYTES}`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ContractError('CONTRACT_BAD_JSON', `${what} is not JSON`);
    }
    if (compiled.Check(value)) return value as Static<T>;
    throw invalid(compiled, value, what);
  };
}

/** Parses and validates a message a box sent; throws ContractError. */
export const parseBoxToServer = parser(BoxToServer, 'box message');
/** Parses and validates a message a server sent; throws ContractError. */
export const parseServerToBox = parser(ServerToBox, 'server message');

/** One compiled check per event kind: an event is checked against its own kind only. */
const eventChecks = new Map(BoxEvent.anyOf.map((schema) => [schema.properties.kind.const as string, Compile(schema)]));

/**
 * Checks one event object as a box is about to send it (without the envelope, which the box makes
 * itself, and without going through JSON): what `parseBoxToServer` would say of its `event`.
 * Throws ContractError with the path from the message root (`/event/...`).
 */
export function checkBoxEvent(event: unknown): asserts event is BoxEvent {
  const kind = typeof event === 'object' && event !== null ? (event as { kind?: unknown }).kind : undefined;
  const compiled = typeof kind === 'string' ? eventChecks.get(kind) : undefined;
  if (compiled === undefined)
    throw new ContractError('CONTRACT_INVALID', `box event invalid at /event/kind: ${JSON.stringify(kind) ?? 'undefined'} is not an event kind`, '/event/kind');
  if (!compiled.Check(event)) throw invalid(compiled, event, 'box event', '/event');
}

/** One compiled check per command kind, as for events. */
const commandChecks = new Map(BoxCommand.anyOf.map((schema) => [schema.properties.kind.const as string, Compile(schema)]));

/**
 * Checks one command as the server queues it or reads it back from storage (the payload of a
 * queued command is JSON to the database): what `parseServerToBox` would say of its `command`.
 * Throws ContractError with the path from the message root (`/command/...`).
 */
export function checkBoxCommand(command: unknown): asserts command is BoxCommand {
  const kind = typeof command === 'object' && command !== null ? (command as { kind?: unknown }).kind : undefined;
  const compiled = typeof kind === 'string' ? commandChecks.get(kind) : undefined;
  if (compiled === undefined)
    throw new ContractError(
      'CONTRACT_INVALID',
      `box command invalid at /command/kind: ${JSON.stringify(kind) ?? 'undefined'} is not a command kind`,
      '/command/kind',
    );
  if (!compiled.Check(command)) throw invalid(compiled, command, 'box command', '/command');
}
