import type { LiveEvent, LiveTopic } from '@kassa/contract';
import { useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { createContext, useContext, useEffect, useState } from 'react';
import { followQuery, parseFollow } from './follow';
import { applyLiveEvent, isWellFormed } from './liveCache';

export type Topic = LiveTopic;
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** The contract's topics; the record makes the type-check fail when the contract gains or loses one. */
const TOPIC_SET: Record<Topic, true> = { payment: true, order: true, device: true, box: true };
const TOPICS = Object.keys(TOPIC_SET) as Topic[];
const LAST_ID_KEY = 'kassa.lastEventId';
const MAX_BACKOFF_MS = 10_000;

export interface Connection {
  readonly state: ConnectionState;
  /** When the stream stopped being live (ms since the epoch), while it is not live; else null. */
  readonly since: number | null;
}

const StateContext = createContext<Connection>({ state: 'connecting', since: null });

/** An event of the stream, as the contract says the server sends it; anything without a known topic is dropped. */
function parseEvent(raw: MessageEvent<string>): LiveEvent | null {
  try {
    const value = JSON.parse(raw.data) as unknown;
    if (typeof value !== 'object' || value === null) return null;
    const event = value as LiveEvent;
    if (typeof event.topic !== 'string' || !TOPICS.includes(event.topic)) return null;
    return typeof event.id === 'number' ? event : { ...event, id: Number(raw.lastEventId) };
  } catch {
    return null;
  }
}

function streamUrl(followed: string): string {
  const last = sessionStorage.getItem(LAST_ID_KEY);
  const query = new URLSearchParams();
  if (last !== null) query.set('lastEventId', last);
  followQuery(parseFollow(followed === '' ? null : followed), query);
  const search = query.toString();
  return search === '' ? '/api/events' : `/api/events?${search}`;
}

/**
 * One EventSource for the whole app. The browser itself reconnects with `Last-Event-ID`; when it
 * gives up (server down, 401), a new one is opened with backoff, starting from the last id seen,
 * which is also kept across a reload so a cashier's screen resumes where it was.
 */
/** `followed`: the one shop or POS a manager or admin follows (see api/follow.ts); '' for everything, and always for a cashier. */
export function LiveEventsProvider({ children, followed = '' }: { children: ReactNode; followed?: string }) {
  const queryClient = useQueryClient();
  const [connection, setConnection] = useState<Connection>({ state: 'connecting', since: null });
  // "Since" is when it stopped being live, kept while it goes from reconnecting to offline and back.
  const setState = (state: ConnectionState) =>
    setConnection((previous) => (previous.state === state ? previous : { state, since: state === 'live' ? null : (previous.since ?? Date.now()) }));

  useEffect(() => {
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;
    // After every gap in which events may have been missed — the stream (re)connecting, a `reset`,
    // the browser back online, the tab visible again — every query re-reads, at once where a
    // screen shows it, later where none does.
    const resync = () => void queryClient.invalidateQueries();

    const deliver = (raw: MessageEvent<string>) => {
      const event = parseEvent(raw);
      if (event === null) return;
      if (Number.isSafeInteger(event.id)) sessionStorage.setItem(LAST_ID_KEY, String(event.id));
      if (isWellFormed(event)) applyLiveEvent(queryClient, event);
      else {
        // Said where it can be seen (the browser tests fail on it), and the screens read again.
        console.error(`kassa: live event ${event.id} (${event.topic}) does not hold what its topic says; reading everything again`);
        resync();
      }
    };
    const connect = () => {
      if (stopped) return;
      source = new EventSource(streamUrl(followed), { withCredentials: true });
      source.onopen = () => {
        attempt = 0;
        setState('live');
        resync();
      };
      source.onerror = () => {
        if (source?.readyState === EventSource.CLOSED) {
          source.close();
          setState(navigator.onLine ? 'reconnecting' : 'offline');
          attempt += 1;
          timer = setTimeout(connect, Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt));
        } else {
          setState(navigator.onLine ? 'reconnecting' : 'offline');
        }
      };
      source.onmessage = deliver;
      // The server could not replay everything missed: every screen reloads what it shows.
      source.addEventListener('reset', (raw: MessageEvent<string>) => {
        if (/^[0-9]+$/.test(raw.lastEventId)) sessionStorage.setItem(LAST_ID_KEY, raw.lastEventId);
        resync();
      });
      TOPICS.forEach((topic) => source?.addEventListener(topic, deliver));
    };
    const goneOffline = () => setState('offline');
    const reconnectNow = () => {
      setState('reconnecting');
      clearTimeout(timer);
      source?.close();
      attempt = 0;
      connect();
    };
    // Back on the network: a stream that looks open may have lost events while the network was
    // gone, so it is replaced now (not at the end of the back-off), and its opening re-reads.
    const backOnline = () => reconnectNow();
    // A tab that was hidden may have been frozen or throttled: re-read, and reconnect if needed.
    const becameVisible = () => {
      if (document.visibilityState !== 'visible') return;
      if (source?.readyState === EventSource.OPEN) resync();
      else reconnectNow();
    };
    window.addEventListener('offline', goneOffline);
    window.addEventListener('online', backOnline);
    document.addEventListener('visibilitychange', becameVisible);
    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      source?.close();
      window.removeEventListener('offline', goneOffline);
      window.removeEventListener('online', backOnline);
      document.removeEventListener('visibilitychange', becameVisible);
    };
  }, [followed, queryClient]);

  return <StateContext.Provider value={connection}>{children}</StateContext.Provider>;
}

/** The stream's state and since when it has not been live. */
export function useConnection(): Connection {
  return useContext(StateContext);
}
