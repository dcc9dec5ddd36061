import type { LiveEventData, LiveTopic } from '@kassa/contract';
import type { Audience } from '../../repos/events.js';

/**
 * What became of one box event. 'applied' changed what the server keeps (a payment's state, a
 * device row); 'recorded' was taken and changed nothing (a history-only payment event; a device
 * report that is older than the stored one, outdone by a newer one in the same batch, or new only
 * in its last-seen time); 'duplicate' was applied before; 'unmatched' names no payment of the box.
 */
export type BoxEventOutcome = 'applied' | 'recorded' | 'duplicate' | 'unmatched';

/** Outcomes by the position of their event in the batch; an event no step took is a duplicate. */
export type OutcomesByIndex = ReadonlyMap<number, BoxEventOutcome>;

/** Where the live events of a batch of box events are queued, in order with the rest (see PaymentBatch). */
export interface Announcer {
  announce<Topic extends LiveTopic>(topic: Topic, audience: Audience, data: LiveEventData<Topic>): void;
}
