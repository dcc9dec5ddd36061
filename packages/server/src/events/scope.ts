import type { Audience, LiveEvent, StreamScope } from '../repos/events.js';
import type { Role } from '../repos/users.js';

/**
 * The keys that route an event to the streams that follow it. An event has the key of everything
 * its audience may see and the key of its POS or device; a stream is indexed under the keys of what
 * it follows, for each audience its role may see. Delivery is then one map lookup per key of the
 * event, computed once per event, whatever the number of streams.
 */
export type ScopeKey = string;

export function audiencesOf(role: Role): readonly Audience[] {
  return role === 'admin' ? ['admin', 'cashier'] : ['cashier'];
}

export function eventKeys(event: Pick<LiveEvent, 'audience' | 'posId' | 'deviceId'>): ScopeKey[] {
  const keys = [`${event.audience}:*`];
  if (event.posId !== null) keys.push(`${event.audience}:pos:${event.posId}`);
  if (event.deviceId !== null) keys.push(`${event.audience}:device:${event.deviceId}`);
  return keys;
}

export function streamKeys(role: Role, scope: StreamScope): ScopeKey[] {
  return audiencesOf(role).flatMap((audience) =>
    scope.kind === 'all'
      ? [`${audience}:*`]
      : [...scope.posIds.map((id) => `${audience}:pos:${id}`), ...scope.deviceIds.map((id) => `${audience}:device:${id}`)],
  );
}

/** Whether a stream of `role` following `scope` gets `event` (what the keys decide, said once plainly). */
export function follows(role: Role, scope: StreamScope, event: Pick<LiveEvent, 'audience' | 'posId' | 'deviceId'>): boolean {
  const keys = new Set(streamKeys(role, scope));
  return eventKeys(event).some((key) => keys.has(key));
}
