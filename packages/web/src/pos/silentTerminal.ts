import type { PaymentDetail } from '@kassa/contract';
import { RUNNING_STATES } from './paymentStatus';

/** Seconds without news from the terminal about a running payment before the cashier is told, by default. */
export const DEFAULT_SILENT_TERMINAL_SECONDS = 60;

/**
 * The silence limit in ms from its setting (whole seconds, 10 to 3600; anything else: the default).
 * The web build reads it from `VITE_KASSA_SILENT_TERMINAL_SECONDS`.
 */
export function silentTerminalMs(setting: unknown): number {
  const text = typeof setting === 'string' ? setting.trim() : '';
  const seconds = /^[0-9]{2,4}$/.test(text) ? Number(text) : NaN;
  return (seconds >= 10 && seconds <= 3600 ? seconds : DEFAULT_SILENT_TERMINAL_SECONDS) * 1000;
}

/** The browser's own setting, which wins over the build's: `localStorage['kassa.pos.silentTerminalSeconds']`. */
export const SILENT_TERMINAL_KEY = 'kassa.pos.silentTerminalSeconds';

/** The silence limit of this till: its browser's setting, else the build's, else the default. */
export function silentTerminalLimitMs(): number {
  let local: string | null = null;
  try {
    local = localStorage.getItem(SILENT_TERMINAL_KEY);
  } catch {
    // No storage (private browsing): the build's setting.
  }
  return silentTerminalMs(local ?? import.meta.env['VITE_KASSA_SILENT_TERMINAL_SECONDS']);
}

/** How long after "Ask the terminal" the screen waits for the box before it says nothing came. */
export const ASK_PATIENCE_MS = 20_000;

/** When the terminal (through the box) last said something about the payment, or the payment started. */
export function lastNewsAt(detail: PaymentDetail): number {
  const news = detail.history.filter((h) => h.source !== 'user' || h.event === 'requested').map((h) => Date.parse(h.at));
  return Math.max(Date.parse(detail.payment.createdAt), ...news.filter((at) => !Number.isNaN(at)));
}

/** How long the terminal has been silent about a running payment (ms), once past `limitMs`; null otherwise. */
export function silence({
  detail,
  nowMs,
  noticedAtMs,
  limitMs,
}: {
  detail: PaymentDetail;
  nowMs: number;
  noticedAtMs: number | null;
  limitMs: number;
}): number | null {
  if (!RUNNING_STATES.includes(detail.payment.state)) return null;
  const quiet = nowMs - Math.max(lastNewsAt(detail), noticedAtMs ?? 0);
  return quiet >= limitMs ? quiet : null;
}

export type AskAnswer =
  | { readonly kind: 'waiting' }
  | { readonly kind: 'answered' }
  | { readonly kind: 'refused'; readonly offline: boolean; readonly message: string | null }
  | { readonly kind: 'noAnswer'; readonly boxHeard: boolean; readonly seconds: number };

/**
 * What came of the last "Ask the terminal" or "Check again" (asked at `askedAtMs` on this screen's
 * clock), read from the payment's history after the cashier's ask: the box's refusal (it could not
 * ask: the terminal is offline, busy…), the terminal's answer (the line then shows its new state),
 * nothing yet, or nothing for longer than ASK_PATIENCE_MS — said apart when the box took the ask
 * (the terminal is silent) and when not even the box answered. Every ask ends on one of the
 * answers within ASK_PATIENCE_MS.
 */
export function askAnswer({ detail, askedAtMs, nowMs }: { detail: PaymentDetail; askedAtMs: number; nowMs: number }): AskAnswer {
  const asked = detail.history.findLastIndex((h) => h.source === 'user' && h.event === 'recover');
  const after = asked < 0 ? [] : detail.history.slice(asked + 1).filter((h) => h.source === 'box');
  const refusal = after.find((h) => h.event === 'recoverRefused');
  if (refusal !== undefined) return { kind: 'refused', offline: refusalCode(refusal) === 'TERMINAL_OFFLINE', message: refusal.message };
  // The terminal answered when the payment moved on to anything but `unknown` (a result, not run,
  // running again); the box taking the answer as lost, a message or an event it was not believed
  // about (`untrusted`) is no answer.
  if (after.some((h) => h.fromState !== h.toState && h.toState !== 'unknown')) return { kind: 'answered' };
  if (nowMs - askedAtMs <= ASK_PATIENCE_MS) return { kind: 'waiting' };
  return { kind: 'noAnswer', boxHeard: after.length > 0, seconds: Math.round(ASK_PATIENCE_MS / 1000) };
}

/** The box's code of a refused command (`data.code`, or the start of its message, "TERMINAL_OFFLINE: …"). */
function refusalCode(entry: PaymentDetail['history'][number]): string | null {
  const data = entry.data as { code?: unknown } | null;
  if (typeof data?.code === 'string') return data.code;
  return /^([A-Z_]+):/.exec(entry.message ?? '')?.[1] ?? null;
}

/**
 * When this till last asked about a payment (by its uuid, on this screen's clock): kept outside the
 * panels, because an ask on a running payment moves it to `unknown`, where another panel shows what
 * came of the same ask.
 */
const asks = new Map<string, number>();

export function noteAsked(uuid: string, atMs: number): void {
  asks.set(uuid, atMs);
}

export function askedAt(uuid: string): number | null {
  return asks.get(uuid) ?? null;
}
