import type { Static } from 'typebox';
import { Type } from 'typebox';
import { BoxCommand } from './commands.js';
import { BoxEvent } from './events.js';
import { At, BoxId, CommandId, DeviceReport, ErrorCode, EventId } from './schemas.js';

/**
 * The most terminals one box reports in its hello. A shop has a few; a box serves at most this many
 * (its terminal port takes more connections, but reports only the most recently seen ones).
 */
export const MAX_BOX_TERMINALS = 1000;

/** First message of a box on every connection: who it is and what it sees now. */
export const BoxHello = Type.Object(
  {
    type: Type.Literal('hello'),
    version: Type.Integer({ minimum: 1 }),
    boxId: BoxId,
    software: Type.String({ maxLength: 64 }),
    devices: Type.Array(DeviceReport, { maxItems: MAX_BOX_TERMINALS }),
  },
  { additionalProperties: false },
);

/**
 * One journaled event. The box keeps it until acknowledged and sends it again, in order, after a
 * reconnect; the server applies each id once.
 */
export const BoxEventMessage = Type.Object({ type: Type.Literal('event'), id: EventId, at: At, event: BoxEvent }, { additionalProperties: false });

/** The box has journaled a command; the server stops re-sending it. */
export const BoxCommandReceived = Type.Object({ type: Type.Literal('commandReceived'), commandId: CommandId }, { additionalProperties: false });

export const UplinkErrorMessage = Type.Object(
  { type: Type.Literal('error'), code: ErrorCode, message: Type.String({ maxLength: 1000 }) },
  { additionalProperties: false },
);

export const BoxToServer = Type.Union([BoxHello, BoxEventMessage, BoxCommandReceived, UplinkErrorMessage]);
export type BoxToServer = Static<typeof BoxToServer>;

/**
 * The server accepted the hello; events may flow. `boxId` is the id of the pairing the token belongs
 * to, which the server knows the box by; it need not equal the id the box made for itself.
 */
export const ServerWelcome = Type.Object(
  { type: Type.Literal('welcome'), version: Type.Integer({ minimum: 1 }), boxId: BoxId, name: Type.String({ maxLength: 120 }) },
  { additionalProperties: false },
);

/** The most event ids one `ack` carries. */
export const MAX_ACK_IDS = 1000;

/** Events stored (or already seen): the box may drop them from its outbox. */
export const ServerAck = Type.Object(
  { type: Type.Literal('ack'), ids: Type.Array(EventId, { minItems: 1, maxItems: MAX_ACK_IDS }) },
  { additionalProperties: false },
);

/** A command; sent again on every reconnect until the box confirms it with commandReceived. */
export const BoxCommandMessage = Type.Object({ type: Type.Literal('command'), commandId: CommandId, command: BoxCommand }, { additionalProperties: false });

export const ServerToBox = Type.Union([ServerWelcome, ServerAck, BoxCommandMessage, UplinkErrorMessage]);
export type ServerToBox = Static<typeof ServerToBox>;

export type BoxHello = Static<typeof BoxHello>;
export type BoxEventMessage = Static<typeof BoxEventMessage>;
export type BoxCommandMessage = Static<typeof BoxCommandMessage>;
export type ServerAck = Static<typeof ServerAck>;
export type ServerWelcome = Static<typeof ServerWelcome>;
export type UplinkErrorMessage = Static<typeof UplinkErrorMessage>;
