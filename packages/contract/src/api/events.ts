import type { Static } from 'typebox';
import { Type } from 'typebox';
import { DateTime } from './common.js';
import { Box, Device } from './configuration.js';
import { Payment, PaymentHistoryEntry } from './payments.js';
import { Order } from './sales.js';

/** The history entry a payment event adds, without who made it and the terminal's data. */
export const LivePaymentEntry = Type.Object({
  at: PaymentHistoryEntry.properties.at,
  source: PaymentHistoryEntry.properties.source,
  event: PaymentHistoryEntry.properties.event,
  fromState: PaymentHistoryEntry.properties.fromState,
  toState: PaymentHistoryEntry.properties.toState,
  message: PaymentHistoryEntry.properties.message,
});

function liveEvent<const Topic extends string, const Data extends ReturnType<typeof Type.Object>>(topic: Topic, data: Data) {
  return Type.Object({ id: Type.Integer(), at: DateTime, topic: Type.Literal(topic), data });
}

/**
 * One Server-Sent Event of GET /api/events: `id:` is `id`, `event:` is `topic`, `data:` is this
 * object as JSON. The topic says what the data is: a payment that moved (with the history entry
 * that moved it, when a box event did), an order, a payment terminal, a box. This union is the one
 * list of topics.
 */
export const LiveEvent = Type.Union([
  liveEvent('payment', Type.Object({ payment: Payment, entry: Type.Optional(LivePaymentEntry) })),
  liveEvent('order', Type.Object({ order: Order })),
  liveEvent('device', Type.Object({ device: Device })),
  liveEvent('box', Type.Object({ box: Box })),
]);
export type LiveEvent = Static<typeof LiveEvent>;
export type LiveTopic = LiveEvent['topic'];
/** The event of one topic. */
export type LiveEventOf<Topic extends LiveTopic> = Extract<LiveEvent, { topic: Topic }>;
/** What an event of this topic carries. */
export type LiveEventData<Topic extends LiveTopic> = LiveEventOf<Topic>['data'];

export const LIVE_TOPICS: readonly LiveTopic[] = LiveEvent.anyOf.map((event) => event.properties.topic.const);

export function isLiveTopic(value: string): value is LiveTopic {
  return (LIVE_TOPICS as readonly string[]).includes(value);
}
