import type { ServerResponse } from 'node:http';
import type { LiveEvent, StreamScope } from '../repos/events.js';
import { readTillScope } from '../repos/event-scope.js';
import type { Role } from '../repos/users.js';
import type { ServiceContext } from '../services/context.js';
import { formatReset } from './format.js';
import type { LiveEventHub } from './hub.js';
import { follows, streamKeys } from './scope.js';

export interface EventStreamOptions {
  /** At most this many missed events are replayed (from those the hub keeps); a client further behind gets a `reset`. */
  readonly replayLimit: number;
  /** A comment line this often keeps proxies from closing an idle stream; the session is checked as often. */
  readonly heartbeatMs: number;
  /** A client that lets this much unsent output pile up is disconnected (it reconnects and replays). */
  readonly maxBufferedBytes: number;
}

export const DEFAULT_EVENT_STREAM: EventStreamOptions = { replayLimit: 1000, heartbeatMs: 15_000, maxBufferedBytes: 1024 * 1024 };

/**
 * What a stream follows: everything (a manager's or admin's choice), one POS or one shop (the same), or the
 * tills of the cashier's own open sessions (a cashier's only choice, followed as they open and
 * close sessions).
 */
export type Follow =
  | { readonly kind: 'all' }
  | { readonly kind: 'pos'; readonly posId: number }
  | { readonly kind: 'shop'; readonly shop: string }
  | { readonly kind: 'own'; readonly userId: number };

/**
 * A shop is followed as its tills: the POS configurations it has now (read again when a POS's shop
 * changes), so each event is still routed by one map lookup per key, whatever follows it.
 */
export async function scopeOf(ctx: ServiceContext, follow: Follow): Promise<StreamScope> {
  if (follow.kind === 'all') return { kind: 'all' };
  return readTillScope(ctx.db, follow.kind === 'pos' ? { posId: follow.posId } : follow.kind === 'shop' ? { shop: follow.shop } : { userId: follow.userId });
}

/**
 * Streams the events a user may see and follows on an already hijacked response: first those it
 * missed after `lastEventId` (within the same scope, from the events the hub keeps), or a `reset`
 * when the hub cannot tell them all, then the live flow. The stream subscribes and resumes in the
 * same turn, so no event falls between the two; ids follow the order the hub heard its events, and
 * an event is written only when its id is above the last one written.
 */
export function runEventStream({
  ctx,
  hub,
  raw,
  role,
  follow,
  scope: initialScope,
  lastEventId,
  options,
  sessionAlive,
}: {
  ctx: ServiceContext;
  hub: LiveEventHub;
  raw: ServerResponse;
  role: Role;
  follow: Follow;
  /** What `follow` names now (scopeOf), read before the response was taken over. */
  scope: StreamScope;
  lastEventId: number | null;
  options: EventStreamOptions;
  /** Whether the caller's session still holds the same role; a stream ends with its session. */
  sessionAlive: () => Promise<boolean>;
}): void {
  let lastWritten = lastEventId ?? hub.latestId;
  let closed = false;

  const write = (chunk: string): void => {
    if (closed) return;
    raw.write(chunk);
    if (raw.writableLength > options.maxBufferedBytes) close();
  };
  const send = (event: LiveEvent, frame: string): void => {
    if (event.id <= lastWritten) return;
    lastWritten = event.id;
    write(frame);
  };
  let scope = initialScope;
  const subscription = hub.subscribe(
    streamKeys(role, scope),
    {
      deliver: send,
      refresh: async () => {
        const next = await scopeOf(ctx, follow);
        // A stream that ended meanwhile stays out of the index.
        if (closed) return;
        scope = next;
        subscription.rekey(streamKeys(role, scope));
      },
    },
    follow.kind === 'own' ? follow.userId : null,
  );
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
    subscription.close();
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
  if (lastEventId === null) return;
  const resumed = hub.resume(lastEventId, (event) => follows(role, scope, event), options.replayLimit);
  if (resumed.kind === 'events') {
    for (const { event, frame } of resumed.events) send(event, frame);
    return;
  }
  // The client must read the current state again; events continue from here.
  lastWritten = hub.latestId;
  write(formatReset(resumed.reason, lastWritten));
}
