import type { ServerResponse } from 'node:http';
import type { LiveEvent as LiveEventApi } from '@kassa/contract';
import type { Audience, LiveEvent } from '../repos/events.js';
import { eventsAfter, latestEventId } from '../repos/events.js';
import type { Role } from '../repos/users.js';
import type { ServiceContext } from '../services/context.js';
import type { LiveEventHub } from './hub.js';
import { oldestEventId } from './replay.js';

export interface EventStreamOptions {
  /** At most this many missed events are replayed; a client further behind gets a `reset`. */
  readonly replayLimit: number;
  /** A comment line this often keeps proxies from closing an idle stream; the session is checked as often. */
  readonly heartbeatMs: number;
  /** A client that lets this much unsent output pile up is disconnected (it reconnects and replays). */
  readonly maxBufferedBytes: number;
}

export const DEFAULT_EVENT_STREAM: EventStreamOptions = { replayLimit: 1000, heartbeatMs: 15_000, maxBufferedBytes: 1024 * 1024 };

export function maySee(role: Role, audience: Audience): boolean {
  return role === 'admin' || audience === 'cashier';
}

/** One Server-Sent Event: `id`, `event` (the topic) and `data` (the event as JSON, on one line). */
export function formatEvent(event: LiveEvent): string {
  // The same event without its audience (a copy field by field loses which data goes with which topic).
  const body = { id: event.id, at: event.at, topic: event.topic, data: event.data } as LiveEventApi;
  return `id: ${event.id}\nevent: ${event.topic}\ndata: ${JSON.stringify(body)}\n\n`;
}

export function formatReset(reason: string, latestId: number): string {
  return `id: ${latestId}\nevent: reset\ndata: ${JSON.stringify({ reason })}\n\n`;
}

/**
 * Streams the events a user may see on an already hijacked response. Live events are buffered from
 * the start, missed ones (after `lastEventId`) are replayed from the database, then the buffer and
 * the live flow follow; an id is never written twice.
 */
export async function runEventStream({
  ctx,
  hub,
  raw,
  role,
  lastEventId,
  options,
  sessionAlive,
}: {
  ctx: ServiceContext;
  hub: LiveEventHub;
  raw: ServerResponse;
  role: Role;
  lastEventId: number | null;
  options: EventStreamOptions;
  /** Whether the caller's session still holds the same role; a stream ends with its session. */
  sessionAlive: () => Promise<boolean>;
}): Promise<void> {
  const written = new Set<number>();
  let buffered: LiveEvent[] | null = [];
  let closed = false;

  const write = (chunk: string): void => {
    if (closed) return;
    raw.write(chunk);
    if (raw.writableLength > options.maxBufferedBytes) close();
  };
  const send = (event: LiveEvent): void => {
    if (written.has(event.id) || !maySee(role, event.audience)) return;
    written.add(event.id);
    write(formatEvent(event));
  };
  const unsubscribe = hub.subscribe((event) => (buffered === null ? send(event) : buffered.push(event)));
  const beat = async (): Promise<void> => {
    if (!(await sessionAlive().catch(() => true))) close();
    else write(': keep-alive\n\n');
  };
  const heartbeat = setInterval(() => void beat(), options.heartbeatMs);
  heartbeat.unref();
  const untrack = hub.track(() => close());
  function close(): void {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    untrack();
    raw.end();
  }
  raw.on('close', close);

  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write('retry: 2000\n\n');
  try {
    if (lastEventId !== null) await replay({ ctx, lastEventId, options, send, write });
  } catch {
    close();
    return;
  }
  const pending = buffered;
  buffered = null;
  for (const event of pending) send(event);
}

async function replay({
  ctx,
  lastEventId,
  options,
  send,
  write,
}: {
  ctx: ServiceContext;
  lastEventId: number;
  options: EventStreamOptions;
  send: (event: LiveEvent) => void;
  write: (chunk: string) => void;
}): Promise<void> {
  const missed = await eventsAfter(ctx.db, lastEventId, options.replayLimit + 1);
  const oldest = await oldestEventId(ctx.db);
  const pruned = oldest !== null && lastEventId < oldest - 1 && lastEventId > 0;
  if (pruned || missed.length > options.replayLimit) {
    // The client is too far behind: it must read the current state again; events continue from here.
    const latest = await latestEventId(ctx.db);
    write(formatReset(pruned ? 'events older than the replay window were deleted' : 'too many missed events', latest));
    return;
  }
  for (const event of missed) send(event);
}
