import type { LiveEvent as LiveEventApi } from '@kassa/contract';
import type { LiveEvent } from '../repos/events.js';

/** One Server-Sent Event: `id`, `event` (the topic) and `data` (the event as JSON, on one line). */
export function formatEvent(event: LiveEvent): string {
  // The same event without its audience and scope (a copy field by field loses which data goes with which topic).
  const body = { id: event.id, at: event.at, topic: event.topic, data: event.data } as LiveEventApi;
  return `id: ${event.id}\nevent: ${event.topic}\ndata: ${JSON.stringify(body)}\n\n`;
}

export function formatReset(reason: string, latestId: number): string {
  return `id: ${latestId}\nevent: reset\ndata: ${JSON.stringify({ reason })}\n\n`;
}
