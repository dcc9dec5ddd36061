import type { CancellableState, PaidState, PaymentDetail, PaymentState, RunningState, SettledState, VoidState } from '@kassa/contract';

type HistoryEntry = PaymentDetail['history'][number];

/** Translation keys of what the cashier reads for a payment line. */
export type StatusKey =
  | `state.${PaymentState}`
  | 'stage.card'
  | 'stage.pin'
  | 'stage.processing'
  | 'stage.removeCard'
  | 'stage.confirm'
  | 'stage.application'
  | 'result.declined'
  | 'result.stopped'
  | 'result.error'
  | 'result.technical'
  | 'result.refused'
  | 'result.notRun';

/** Why a line was not paid and what the cashier can do, for each result of the terminal. */
export type HintKey = 'hint.declined' | 'hint.stopped' | 'hint.error' | 'hint.technical';

const HINTS: Partial<Record<StatusKey, HintKey>> = {
  'result.declined': 'hint.declined',
  'result.stopped': 'hint.stopped',
  'result.error': 'hint.error',
  'result.technical': 'hint.technical',
};

export interface PaymentStatus {
  readonly key: StatusKey;
  /** For a line that was not paid: why, and what to do now; null otherwise. */
  readonly hint: HintKey | null;
  /** The texts the terminal showed, oldest first. */
  readonly terminalMessages: readonly string[];
  /** Settled: nothing will change it any more. */
  readonly settled: boolean;
  /** Money counts as received. */
  readonly paid: boolean;
}

/** What the screens need to know of a state, as the contract's named sets say it. */
interface StateFacts<State extends PaymentState> {
  readonly paid: State extends PaidState ? true : false;
  readonly settled: State extends SettledState ? true : false;
  readonly void: State extends VoidState ? true : false;
  readonly cancellable: State extends CancellableState ? true : false;
  readonly running: State extends RunningState ? true : false;
}

/**
 * Every payment state, in the order the screens list them. The app takes only types from the
 * contract: `satisfies` makes the type-check fail when the contract gains or loses a state or moves
 * one to another set.
 */
const STATE_FACTS = {
  pending: { paid: false, settled: false, void: false, cancellable: true, running: false },
  waiting: { paid: false, settled: false, void: false, cancellable: true, running: true },
  waitingCard: { paid: false, settled: false, void: false, cancellable: true, running: true },
  waitingCancel: { paid: false, settled: false, void: false, cancellable: false, running: false },
  unknown: { paid: false, settled: false, void: false, cancellable: false, running: false },
  mismatch: { paid: false, settled: false, void: false, cancellable: false, running: false },
  done: { paid: true, settled: true, void: false, cancellable: false, running: false },
  forceDone: { paid: true, settled: true, void: false, cancellable: false, running: false },
  retry: { paid: false, settled: true, void: true, cancellable: false, running: false },
  failed: { paid: false, settled: true, void: true, cancellable: false, running: false },
} as const satisfies { readonly [State in PaymentState]: StateFacts<State> };

export const PAYMENT_STATES = Object.keys(STATE_FACTS) as PaymentState[];
/** Money counts as received. */
export const PAID_STATES: readonly PaymentState[] = PAYMENT_STATES.filter((state) => STATE_FACTS[state].paid);
/** Paid or void: nothing will change the line any more. */
export const SETTLED_STATES: readonly PaymentState[] = PAYMENT_STATES.filter((state) => STATE_FACTS[state].settled);
/** No money was taken and none can still be: the line is void. */
export const VOID_STATES: readonly PaymentState[] = PAYMENT_STATES.filter((state) => STATE_FACTS[state].void);
/** The terminal has not answered yet: the cashier may cancel. */
export const CANCELLABLE_STATES: readonly PaymentState[] = PAYMENT_STATES.filter((state) => STATE_FACTS[state].cancellable);
/** The terminal runs the payment and ought to be sending news. */
export const RUNNING_STATES: readonly PaymentState[] = PAYMENT_STATES.filter((state) => STATE_FACTS[state].running);

function field(entry: HistoryEntry, name: string): string | null {
  const data = entry.data;
  if (typeof data !== 'object' || data === null) return null;
  const value = (data as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : null;
}

const STAGE_WORDS: Record<string, StatusKey> = {
  WaitingForCard: 'stage.card',
  WaitingForPin: 'stage.pin',
  WaitingForCardRemoval: 'stage.removeCard',
  WaitingForTipInput: 'stage.confirm',
  WaitingForConfirmationService: 'stage.confirm',
  WaitingForConfirmationAmount: 'stage.confirm',
  WaitingForConfirmationServiceAndAmount: 'stage.confirm',
  WaitingForApplicationSelection: 'stage.application',
};

const RESULT_WORDS: Record<string, StatusKey> = {
  Declined: 'result.declined',
  Stopped: 'result.stopped',
  Error: 'result.error',
  TechnicalProblem: 'result.technical',
};

function stageWord(entry: HistoryEntry | undefined): StatusKey {
  if (entry === undefined) return 'stage.card';
  const stage = field(entry, 'stage') ?? entry.message ?? '';
  return STAGE_WORDS[stage] ?? (entry.event === 'stage' ? 'stage.card' : 'stage.processing');
}

function resultWord(entry: HistoryEntry | undefined): StatusKey {
  if (entry === undefined) return 'state.retry';
  if (entry.event === 'refused') return 'result.refused';
  if (entry.event === 'notRun') return 'result.notRun';
  const result = field(entry, 'result') ?? entry.message ?? '';
  return RESULT_WORDS[result] ?? 'result.declined';
}

/** The amount the terminal approved when it was not the one asked for (state mismatch); null otherwise. */
export function approvedOtherCents(detail: PaymentDetail): number | null {
  if (detail.payment.state !== 'mismatch') return null;
  const entry = latest(detail.history, ['approvedOtherAmount']);
  const data = entry?.data;
  const amount = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)['amountCents'] : undefined;
  return typeof amount === 'number' ? amount : null;
}

function latest(history: readonly HistoryEntry[], events: readonly string[]): HistoryEntry | undefined {
  for (let i = history.length - 1; i >= 0; i -= 1) {
    const entry = history[i];
    if (entry !== undefined && events.includes(entry.event)) return entry;
  }
  return undefined;
}

/**
 * What a payment line says, in words: its state refined by the terminal's last stage (card, PIN,
 * processing) or its result (declined, stopped, …), with the terminal's own messages.
 */
export function paymentStatus(detail: PaymentDetail): PaymentStatus {
  const { state } = detail.payment;
  const history = detail.history;
  const terminalMessages = history.filter((h) => h.event === 'message' && h.message !== null).map((h) => h.message ?? '');
  const base = { terminalMessages, settled: SETTLED_STATES.includes(state), paid: PAID_STATES.includes(state), hint: null };
  switch (state) {
    case 'waitingCard':
      return { ...base, key: stageWord(latest(history, ['stage', 'progress'])) };
    case 'waiting': {
      const progress = latest(history, ['progress', 'stage']);
      return { ...base, key: progress === undefined ? 'state.waiting' : stageWord(progress) };
    }
    case 'retry': {
      const key = resultWord(latest(history, ['declined', 'refused', 'notRun']));
      return { ...base, key, hint: HINTS[key] ?? null };
    }
    default:
      return { ...base, key: `state.${state}` };
  }
}

/** The manager who approved the payment's settlement by hand, as its history names them; null when it was not settled by hand. */
export function settlementApprover(detail: PaymentDetail): string | null {
  const entry = detail.history.findLast((h) => h.source === 'user' && (h.event === 'forceDone' || h.event === 'markFailed'));
  const data = entry?.data;
  if (typeof data !== 'object' || data === null) return null;
  const approvedBy = (data as { approvedBy?: { username?: unknown } }).approvedBy;
  return typeof approvedBy?.username === 'string' ? approvedBy.username : null;
}
