import { QueryClient } from '@tanstack/react-query';

/**
 * The app's one cache. Freshness comes from the event stream (`live.tsx`), which updates or
 * invalidates what an event concerns and invalidates everything after a gap; so the library's
 * own refetch on focus and on reconnect is off (one mechanism, not two). A failed read is shown at
 * once with "Try again", as the server said it, not retried behind the cashier's back; and a read
 * is tried even when the browser believes it is offline, so the screen says why it has nothing.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false, refetchOnReconnect: false, networkMode: 'always' },
      mutations: { retry: false, networkMode: 'always' },
    },
  });
}
