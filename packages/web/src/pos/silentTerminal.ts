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

export type AskAnswer = { readonly kind: 'waiting' } | { readonly kind: 'refused'; readonly message: string | null } | { readonly kind: 'noAnswer' };

/**
 * What the box answered to the last "Ask the terminal": a refusal (it could not ask: the terminal
 * is offline…) found after the cashier's ask in the history, nothing yet, or nothing for longer
 * than ASK_PATIENCE_MS. An answer that moves the payment (lost, a result) shows as its new state.
 */
export function askAnswer({ detail, askedAtMs, nowMs }: { detail: PaymentDetail; askedAtMs: number; nowMs: number }): AskAnswer {
  const asked = detail.history.findLastIndex((h) => h.source === 'user' && h.event === 'recover');
  const refusal = asked < 0 ? undefined : detail.history.slice(asked + 1).find((h) => h.event === 'recoverRefused');
  if (refusal !== undefined) return { kind: 'refused', message: refusal.message };
  return nowMs - askedAtMs > ASK_PATIENCE_MS ? { kind: 'noAnswer' } : { kind: 'waiting' };
}
