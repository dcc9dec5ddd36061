import type { LiveEvent } from '@kassa/contract';
import type { ReactNode } from 'react';
import { createContext, useContext, useEffect, useRef, useState } from 'react';

export type Topic = LiveEvent['topic'];
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';
type Listener = (event: LiveEvent) => void;

const TOPICS: readonly Topic[] = ['payment', 'device', 'order', 'box'];
const LAST_ID_KEY = 'kassa.lastEventId';
const MAX_BACKOFF_MS = 10_000;

interface Hub {
  subscribe(topic: Topic, listener: Listener): () => void;
  /** Called on every (re)connection, so a screen can reload what it shows in case events were missed. */
  onOpen(listener: () => void): () => void;
}

const HubContext = createContext<Hub | null>(null);
const StateContext = createContext<ConnectionState>('connecting');

function parseEvent(raw: MessageEvent<string>): LiveEvent | null {
  try {
    const value = JSON.parse(raw.data) as unknown;
    if (typeof value !== 'object' || value === null) return null;
    const event = value as Partial<LiveEvent>;
    if (typeof event.topic !== 'string' || !TOPICS.includes(event.topic)) return null;
    return { id: typeof event.id === 'number' ? event.id : Number(raw.lastEventId), at: String(event.at ?? ''), topic: event.topic, data: event.data };
  } catch {
    return null;
  }
}

function streamUrl(): string {
  const last = sessionStorage.getItem(LAST_ID_KEY);
  return last === null ? '/api/events' : `/api/events?lastEventId=${encodeURIComponent(last)}`;
}

/**
 * One EventSource for the whole app. The browser itself reconnects with `Last-Event-ID`; when it
 * gives up (server down, 401), a new one is opened with backoff, starting from the last id seen,
 * which is also kept across a reload so a cashier's screen resumes where it was.
 */
export function LiveEventsProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<ConnectionState>('connecting');
  const listeners = useRef(new Map<Topic, Set<Listener>>());
  const openListeners = useRef(new Set<() => void>());
  const hub = useRef<Hub>({
    subscribe(topic, listener) {
      const set = listeners.current.get(topic) ?? new Set<Listener>();
      listeners.current.set(topic, set);
      set.add(listener);
      return () => set.delete(listener);
    },
    onOpen(listener) {
      openListeners.current.add(listener);
      return () => openListeners.current.delete(listener);
    },
  });

  useEffect(() => {
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;

    const deliver = (raw: MessageEvent<string>) => {
      const event = parseEvent(raw);
      if (event === null) return;
      if (Number.isSafeInteger(event.id)) sessionStorage.setItem(LAST_ID_KEY, String(event.id));
      listeners.current.get(event.topic)?.forEach((listener) => listener(event));
    };
    const connect = () => {
      if (stopped) return;
      source = new EventSource(streamUrl(), { withCredentials: true });
      source.onopen = () => {
        attempt = 0;
        setState('live');
        openListeners.current.forEach((listener) => listener());
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
        openListeners.current.forEach((listener) => listener());
      });
      TOPICS.forEach((topic) => source?.addEventListener(topic, deliver));
    };
    const goneOffline = () => setState('offline');
    const backOnline = () => {
      if (source?.readyState === EventSource.OPEN) return setState('live');
      // Back on the network: reconnect now rather than at the end of the back-off.
      setState('reconnecting');
      clearTimeout(timer);
      source?.close();
      attempt = 0;
      connect();
    };
    window.addEventListener('offline', goneOffline);
    window.addEventListener('online', backOnline);
    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      source?.close();
      window.removeEventListener('offline', goneOffline);
      window.removeEventListener('online', backOnline);
    };
  }, []);

  return (
    <HubContext.Provider value={hub.current}>
      <StateContext.Provider value={state}>{children}</StateContext.Provider>
    </HubContext.Provider>
  );
}

export function useConnectionState(): ConnectionState {
  return useContext(StateContext);
}

/** Calls `listener` for every event of `topic`, and `onOpen` whenever the stream (re)connects. */
export function useLiveEvents(topic: Topic, listener: Listener, onOpen?: () => void): void {
  const hub = useContext(HubContext);
  const latest = useRef({ listener, onOpen });
  latest.current = { listener, onOpen };
  useEffect(() => {
    if (hub === null) return undefined;
    const offEvent = hub.subscribe(topic, (event) => latest.current.listener(event));
    const offOpen = hub.onOpen(() => latest.current.onOpen?.());
    return () => {
      offEvent();
      offOpen();
    };
  }, [hub, topic]);
}
