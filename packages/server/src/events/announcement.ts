import { isLiveTopic } from '@kassa/contract';
import type { AnnouncedEvent, Audience } from '../repos/events.js';

const AUDIENCES: readonly Audience[] = ['admin', 'cashier'];

/** The whole event, or the id of the row that keeps one too large for NOTIFY. */
export type Announcement = { kind: 'full'; event: AnnouncedEvent } | { kind: 'stored'; id: number };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An id, null when absent or null, undefined when it is anything else. */
function optionalId(value: unknown): number | null | undefined {
  if (value === undefined || value === null) return null;
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Reads a NOTIFY payload of the events channel (migration 0018): the whole event, or only the id of
 * its row when the event was too large for NOTIFY. Anything else is null.
 */
export function parseAnnouncement(payload: string): Announcement | null {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (!isRecord(value)) return null;
  if (!('topic' in value)) {
    const id = value['id'];
    return typeof id === 'number' && Number.isSafeInteger(id) ? { kind: 'stored', id } : null;
  }
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
  return { kind: 'full', event: { at, topic, audience: audience as Audience, posId, deviceId, data } as AnnouncedEvent };
}
