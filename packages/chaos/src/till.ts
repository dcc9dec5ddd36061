import { FINAL_STATES, PAID_STATES, RUNNING_STATES, VOID_STATES } from '@kassa/contract';
import type { TerminalHandle } from '@kassa/terminal-sim';
import { errorCode, type ApiAnswer, type ApiClient } from './api.js';
import { sleep } from './processes.js';
import type { Random } from './random.js';
import { seededUuid } from './uuid.js';

export interface TillSetup {
  readonly terminal: TerminalHandle;
  readonly cardMethodId: number;
  readonly cashMethodId: number;
  readonly sessionId: number;
  /** Products the till sells, one per order. */
  readonly productIds: readonly number[];
  /** A manager's (or admin's) approval the cashier brings for refunds; none: the till refunds nothing. */
  readonly approval?: { readonly username: string; readonly secret: string };
}

export interface TillStats {
  orders: number;
  validated: number;
  cardPayments: number;
  cashPayments: number;
  resends: number;
  checks: number;
  reboots: number;
  duplicateSubmits: number;
  refunds: number;
}

/** An answer that a till cannot resend its way out of: reported as a finding. */
export interface TillAnomaly {
  readonly what: string;
  readonly status: number;
  readonly body: unknown;
}

// mismatch waits for a manager: the till cannot move it, and the run's check names it.
const FINAL = new Set<string>(FINAL_STATES);
const PAID = new Set<string>(PAID_STATES);
const VOID = new Set<string>(VOID_STATES);
const RUNNING = new Set<string>(RUNNING_STATES);
/** Answers after which a till sends the very same request again. */
const RESEND_CODES = new Set(['KASSA_DEVICE_OFFLINE', 'KASSA_TERMINAL_BUSY', 'KASSA_DATABASE_UNAVAILABLE', 'KASSA_RATE_LIMITED', 'KASSA_INTERNAL']);
/** Card attempts per order before the customer pays the rest in cash. */
const CARD_ATTEMPTS = 2;
/** A payment that stays with the customer this long without news: the cashier restarts the terminal. */
const STUCK_MS = 20_000;
/** A payment unknown this long: the cashier presses "check again". */
const CHECK_AFTER_MS = 4_000;
/** Validated orders a customer brings back for a refund (part or all of what was paid). */
const REFUND_CHANCE = 0.25;

/**
 * One cashier's till: sells an order, asks its terminal for the amount, follows the payment to its
 * end on whichever server answers, and sends every request again, unchanged, after an error or a
 * timeout — the behaviour the idempotency keys exist for.
 */
export class Till {
  readonly stats: TillStats = { orders: 0, validated: 0, cardPayments: 0, cashPayments: 0, resends: 0, checks: 0, reboots: 0, duplicateSubmits: 0, refunds: 0 };
  readonly anomalies: TillAnomaly[] = [];
  /** Every payment and refund uuid this till created, with its order. */
  readonly payments: { uuid: string; orderId: string; card: boolean; refund?: boolean }[] = [];
  #selling = true;
  #deadline = Number.POSITIVE_INFINITY;

  constructor(
    private readonly api: ApiClient,
    private readonly setup: TillSetup,
    private readonly random: Random,
    private readonly log: (line: string) => void,
  ) {}

  /** No new orders; the current one is finished (paid or given up at the deadline). */
  stopSelling(deadline: number): void {
    this.#selling = false;
    this.#deadline = deadline;
  }

  async run(): Promise<void> {
    while (this.#selling && Date.now() < this.#deadline) {
      await this.sellOne();
      await sleep(this.random.int(0, 300));
    }
  }

  private server(): string {
    return this.random.pick(this.api.servers);
  }

  /** Sends the request until a definite answer; `accept` says which answers are definite. */
  private async resend(what: string, method: string, path: string, body: unknown, accept: (a: ApiAnswer) => boolean): Promise<ApiAnswer | null> {
    for (let attempt = 0; Date.now() < this.#deadline; attempt++) {
      const answer = await this.api.call(this.server(), method, path, body);
      if (accept(answer)) return answer;
      const code = errorCode(answer);
      const transient = answer.status === 0 || answer.status >= 500 || (code !== undefined && RESEND_CODES.has(code));
      if (!transient) {
        this.anomalies.push({ what: `${what}: ${method} ${path}`, status: answer.status, body: answer.body });
        return null;
      }
      this.stats.resends++;
      await sleep(Math.min(2000, 100 * 2 ** Math.min(attempt, 4)) + this.random.int(0, 100));
    }
    return null;
  }

  private async sellOne(): Promise<void> {
    const orderId = seededUuid(this.random);
    const productId = this.random.pick(this.setup.productIds);
    const order = await this.resend(
      'order',
      'PUT',
      `/api/orders/${orderId}`,
      { sessionId: this.setup.sessionId, lines: [{ productId, quantity: 1 }] },
      (a) => a.status === 200 || a.status === 201,
    );
    if (order === null) return;
    this.stats.orders++;
    const total = (order.body as { totalCents: number }).totalCents;
    let due = total;
    let paidByCard = false;
    for (let attempt = 0; due > 0 && Date.now() < this.#deadline; attempt++) {
      const card = attempt < CARD_ATTEMPTS;
      const state = await this.pay(orderId, due, card);
      if (state === null) return;
      if (PAID.has(state)) {
        due = 0;
        paidByCard = card;
      }
    }
    if (due > 0) return;
    const validated = await this.resend(
      'validate',
      'POST',
      `/api/orders/${orderId}/validate`,
      undefined,
      (a) => a.status === 200 || errorCode(a) === 'KASSA_ORDER_NOT_DRAFT',
    );
    if (validated === null) return;
    this.stats.validated++;
    if (this.setup.approval !== undefined && this.random.chance(REFUND_CHANCE)) await this.refund(orderId, this.random.int(1, total), paidByCard);
  }

  /**
   * The customer brings the order back: a refund of part or all of it, the way it was paid (card
   * through the terminal, or cash), followed to its end like a payment. A refund the terminal refuses
   * is not tried again: the customer is paid back in cash.
   */
  private async refund(orderId: string, amountCents: number, card: boolean): Promise<void> {
    const uuid = seededUuid(this.random);
    const body = {
      paymentMethodId: card ? this.setup.cardMethodId : this.setup.cashMethodId,
      reason: 'chaos: customer returns the order',
      amountCents,
      approval: this.setup.approval,
    };
    this.payments.push({ uuid, orderId, card, refund: true });
    this.stats.refunds++;
    const created = await this.resend('refund', 'PUT', `/api/orders/${orderId}/refunds/${uuid}`, body, (a) => a.status === 200 || a.status === 201);
    if (created === null) return;
    if (this.random.chance(0.15)) {
      this.stats.duplicateSubmits++;
      const again = await this.resend('refund again', 'PUT', `/api/orders/${orderId}/refunds/${uuid}`, body, (a) => a.status === 200);
      if (again === null) return;
    }
    const state = await this.follow(uuid, (created.body as { state: string }).state);
    if (card && state !== null && VOID.has(state)) await this.refund(orderId, amountCents, false);
  }

  /** One payment line, to its final state; null when the till had to give up. */
  private async pay(orderId: string, amountCents: number, card: boolean): Promise<string | null> {
    const uuid = seededUuid(this.random);
    const body = { orderId, paymentMethodId: card ? this.setup.cardMethodId : this.setup.cashMethodId, amountCents };
    this.payments.push({ uuid, orderId, card });
    if (card) this.stats.cardPayments++;
    else this.stats.cashPayments++;
    const created = await this.resend('payment', 'PUT', `/api/payments/${uuid}`, body, (a) => a.status === 200 || a.status === 201);
    if (created === null) return null;
    if (this.random.chance(0.15)) {
      // The cashier taps Pay twice: the same request again must change nothing.
      this.stats.duplicateSubmits++;
      const again = await this.resend('payment again', 'PUT', `/api/payments/${uuid}`, body, (a) => a.status === 200);
      if (again === null) return null;
    }
    return this.follow(uuid, (created.body as { state: string }).state);
  }

  private async follow(uuid: string, initial: string): Promise<string | null> {
    let state = initial;
    let since = Date.now();
    let lastCheck = 0;
    let rebooted = false;
    while (!FINAL.has(state)) {
      if (Date.now() > this.#deadline) return null;
      await sleep(this.random.int(150, 400));
      const answer = await this.api.call(this.server(), 'GET', `/api/payments/${uuid}`);
      if (answer.status !== 200) continue;
      const next = (answer.body as { payment: { state: string } }).payment.state;
      if (next !== state) {
        state = next;
        since = Date.now();
      }
      if (state === 'unknown' && Date.now() - Math.max(since, lastCheck) > CHECK_AFTER_MS) {
        lastCheck = Date.now();
        this.stats.checks++;
        await this.api.call(this.server(), 'POST', `/api/payments/${uuid}/check`);
      }
      if (!rebooted && RUNNING.has(state) && Date.now() - since > STUCK_MS) {
        // The terminal shows nothing more: the cashier restarts it; recovery must then settle the line.
        rebooted = true;
        this.stats.reboots++;
        this.log(`till ${this.setup.terminal.terminalId}: payment ${uuid} stuck in ${state}; restarting the terminal`);
        this.setup.terminal.disconnect();
      }
    }
    return state;
  }
}
