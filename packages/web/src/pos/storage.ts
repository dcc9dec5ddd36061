import type { DraftLine } from '../vat';

/**
 * What the till must not forget on a reload: its session, the order being built, and the order
 * being paid (whose payments then resume live from the server).
 */
const KEYS = { session: 'kassa.pos.session', draft: 'kassa.pos.draft', order: 'kassa.pos.order', retries: 'kassa.pos.retries' } as const;

/** How many Retry links the till keeps (the newest): enough for any order still on screen. */
const MAX_RETRIES = 200;

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Private browsing may refuse storage; the till still works, it only forgets on reload.
  }
}

export const till = {
  sessionId(): number | null {
    const value = Number(read(KEYS.session));
    return Number.isSafeInteger(value) && value > 0 ? value : null;
  },
  setSessionId(id: number | null): void {
    write(KEYS.session, id === null ? null : String(id));
  },
  draft(): DraftLine[] {
    try {
      const value = JSON.parse(read(KEYS.draft) ?? '[]') as unknown;
      return Array.isArray(value) ? value.filter(isDraftLine) : [];
    } catch {
      return [];
    }
  },
  setDraft(lines: readonly DraftLine[]): void {
    write(KEYS.draft, lines.length === 0 ? null : JSON.stringify(lines));
  },
  runningOrder(): string | null {
    return read(KEYS.order);
  },
  setRunningOrder(id: string | null): void {
    write(KEYS.order, id);
  },
  /** The declined line a line was the Retry of (kept on this till, so a reload still shows the tries as one line), or null. */
  retryOf(uuid: string): string | null {
    return retryLinks().find(([later]) => later === uuid)?.[1] ?? null;
  },
  /** Remembers that `later` is the Retry of the declined line `declined`. */
  noteRetry(later: string, declined: string): void {
    write(KEYS.retries, JSON.stringify([...retryLinks().filter(([l]) => l !== later), [later, declined]].slice(-MAX_RETRIES)));
  },
};

function retryLinks(): [string, string][] {
  try {
    const value = JSON.parse(read(KEYS.retries) ?? '[]') as unknown;
    return Array.isArray(value)
      ? value.filter((v): v is [string, string] => Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string')
      : [];
  } catch {
    return [];
  }
}

function isDraftLine(value: unknown): value is DraftLine {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['productId'] === 'number' &&
    typeof v['name'] === 'string' &&
    Number.isSafeInteger(v['unitPriceCents']) &&
    Number.isSafeInteger(v['vatRate']) &&
    Number.isSafeInteger(v['quantity'])
  );
}
