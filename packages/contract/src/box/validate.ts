import type { TSchema, Static } from 'typebox';
import { Compile } from 'typebox/compile';
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
    const first = [...compiled.Errors(value)].find((e) => e.keyword !== 'boolean' && e.keyword !== 'anyOf') ?? compiled.Errors(value)[0];
    const path = first?.instancePath ?? '';
    throw new ContractError('CONTRACT_INVALID', `${what} invalid at ${path || '/'}: ${first?.message ?? 'does not match the contract'}`, path);
  };
}

/** Parses and validates a message a box sent; throws ContractError. */
export const parseBoxToServer = parser(BoxToServer, 'box message');
/** Parses and validates a message a server sent; throws ContractError. */
export const parseServerToBox = parser(ServerToBox, 'server message');
