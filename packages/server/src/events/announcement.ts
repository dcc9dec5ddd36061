import { isLiveTopic } from '@kassa/contract';
import type { Audience, LiveEvent } from '../repos/events.js';

const AUDIENCES: readonly Audience[] = ['admin', 'cashier'];

export type Announcement = { kind: 'full'; event: LiveEvent } | { kind: 'id'; id: number };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An id, null when absent or null, undefined when it is anything else. */
function optionalId(value: unknown): number | null | undefined {
  if (value === undefined || value === null) return null;
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Reads a NOTIFY payload of the events channel: the whole event, or only its id when the event was
 * too large for NOTIFY. Anything else is null.
 */
export function parseAnnouncement(payload: string): Announcement | null {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (!isRecord(value) || typeof value['id'] !== 'number' || !Number.isSafeInteger(value['id'])) return null;
  const id = value['id'];
  if (!('topic' in value)) return { kind: 'id', id };
  const { at, topic, audience, data } = value;
  const posId = optionalId(value['posId']);
  const deviceId = optionalId(value['deviceId']);
  if (
    typeof at !== 'string' ||
    typeof topic !== 'string' ||
    !isLiveTopic(topic) ||
    !AUDIENCES.includes(audience as Audience) ||
    posId === undefined ||
    deviceId === undefined
  )
    return null;
  // The payload is the server's own NOTIFY, written from a NewLiveEvent: its data fits its topic.
  return { kind: 'full', event: { id, at, topic, audience: audience as Audience, posId, deviceId, data } as LiveEvent };
}
