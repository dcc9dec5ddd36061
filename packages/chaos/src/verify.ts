/**
 * The end-of-run check, as a pure function: the terminals' ledgers are the truth, the server's
 * payments and orders must agree with them.
 */

import { ACTIVE_STATES, NEEDS_A_PERSON_STATES, PAID_STATES } from '@kassa/contract';

export interface LedgerFact {
  readonly terminalId: string;
  readonly transactionId: string;
  readonly amountCents: number;
  readonly result: string;
  /** What the terminal ran: a purchase or a refund (money back to the card). */
  readonly kind: 'purchase' | 'refund';
}

export interface StartedFact {
  readonly terminalId: string;
  readonly transactionId: string;
}

export interface ServerPayment {
  readonly uuid: string;
  readonly transactionId: string;
  readonly orderId: string;
  readonly state: string;
  readonly amountCents: number;
  readonly card: boolean;
  /** A payment line takes money, a refund line gives it back. */
  readonly kind: 'payment' | 'refund';
  readonly tickets: number;
}

export interface ServerOrder {
  readonly id: string;
  readonly state: string;
  readonly totalCents: number;
}

export interface RunFacts {
  readonly ledger: readonly LedgerFact[];
  /** Every TransactionRequest a terminal started running, finished or not. */
  readonly started: readonly StartedFact[];
  /** Transactions a terminal is still running without an answer (no-answer), by transactionId. */
  readonly stillRunning: ReadonlySet<string>;
  readonly payments: readonly ServerPayment[];
  readonly orders: readonly ServerOrder[];
}

export interface Finding {
  readonly rule: string;
  readonly payment?: string;
  readonly order?: string;
  readonly detail: string;
}

export interface Verdict {
  readonly counts: Readonly<Record<string, number>>;
  readonly findings: readonly Finding[];
}

const PAID = new Set<string>(PAID_STATES);
const OPEN = new Set<string>(ACTIVE_STATES);
/** Lines only a person can settle: the terminal approved another amount than asked (the emulators never do). */
const FOR_A_PERSON = new Set<string>(NEEDS_A_PERSON_STATES);

export function verify(facts: RunFacts): Verdict {
  const findings: Finding[] = [];
  const counts: Record<string, number> = {};
  const count = (name: string, by = 1): void => {
    counts[name] = (counts[name] ?? 0) + by;
  };

  const byTransaction = new Map<string, ServerPayment>();
  for (const payment of facts.payments) {
    count(`payments ${payment.state}`);
    if (payment.card) byTransaction.set(payment.transactionId, payment);
  }

  // No UUID ever started two terminal transactions.
  const starts = new Map<string, string[]>();
  for (const s of facts.started) starts.set(s.transactionId, [...(starts.get(s.transactionId) ?? []), s.terminalId]);
  count('terminal transactions started', facts.started.length);
  for (const [transactionId, terminals] of starts) {
    if (terminals.length > 1) {
      findings.push({
        rule: 'one terminal transaction per uuid',
        payment: byTransaction.get(transactionId)?.uuid,
        detail: `transaction ${transactionId} started ${terminals.length} times (${terminals.join(', ')})`,
      });
    }
    if (!byTransaction.has(transactionId))
      findings.push({
        rule: 'every terminal transaction has a payment',
        detail: `transaction ${transactionId} ran on ${terminals[0]} but no payment has that id`,
      });
  }

  // Every approved transaction is exactly one done payment with tickets; nothing else is done.
  const approved = new Set<string>();
  for (const entry of facts.ledger) {
    count(`ledger ${entry.result}`);
    const payment = byTransaction.get(entry.transactionId);
    if (entry.result === 'Approved') {
      approved.add(entry.transactionId);
      if (payment === undefined)
        findings.push({
          rule: 'approved is paid',
          detail: `terminal ${entry.terminalId} approved transaction ${entry.transactionId} (${entry.amountCents} cents) that no payment names`,
        });
      else if (payment.state !== 'done')
        findings.push({
          rule: 'approved is paid',
          payment: payment.uuid,
          detail: `terminal ${entry.terminalId} approved ${entry.amountCents} cents but the payment is ${payment.state}`,
        });
      else if ((payment.kind === 'refund') !== (entry.kind === 'refund'))
        findings.push({
          rule: 'the terminal ran what was asked',
          payment: payment.uuid,
          detail: `terminal ${entry.terminalId} ran a ${entry.kind} for a ${payment.kind} line`,
        });
      else if (payment.amountCents !== entry.amountCents)
        findings.push({
          rule: 'approved is paid',
          payment: payment.uuid,
          detail: `terminal charged ${entry.amountCents} cents, the payment says ${payment.amountCents}`,
        });
      else if (payment.tickets === 0) findings.push({ rule: 'approved has tickets', payment: payment.uuid, detail: 'done without a ticket record' });
    } else if (payment !== undefined && PAID.has(payment.state)) {
      findings.push({
        rule: 'not approved is not paid',
        payment: payment.uuid,
        detail: `terminal ${entry.terminalId} answered ${entry.result} but the payment is ${payment.state}`,
      });
    }
  }
  for (const payment of facts.payments) {
    if (payment.card && PAID.has(payment.state) && !approved.has(payment.transactionId)) {
      findings.push({
        rule: 'paid only when approved',
        payment: payment.uuid,
        detail: `payment is ${payment.state} but no terminal approved transaction ${payment.transactionId}`,
      });
    }
    if (FOR_A_PERSON.has(payment.state))
      findings.push({
        rule: 'nothing left for a person',
        payment: payment.uuid,
        detail: `payment is ${payment.state}: a terminal approved another amount than asked`,
      });
    if (OPEN.has(payment.state)) {
      if (payment.card && facts.stillRunning.has(payment.transactionId)) count('open: terminal never answered (no-answer)');
      else findings.push({ rule: 'nothing left open', payment: payment.uuid, detail: `payment is still ${payment.state} after the settle period` });
    }
  }

  // Every order's paid total matches: what the terminals approved plus cash. Refunds (what the
  // terminals gave back plus cash) never exceed it: no refund doubled, none beyond what was paid;
  // a cancelled order gave back all it took.
  const noAnswerRefund = new Set(
    facts.payments.filter((p) => p.kind === 'refund' && p.card && OPEN.has(p.state) && facts.stillRunning.has(p.transactionId)).map((p) => p.orderId),
  );
  const paidOf = new Map<string, number>();
  const refundedOf = new Map<string, number>();
  for (const payment of facts.payments) {
    if (!PAID.has(payment.state)) continue;
    const truth = payment.card ? (approved.has(payment.transactionId) ? payment.amountCents : 0) : payment.amountCents;
    const into = payment.kind === 'refund' ? refundedOf : paidOf;
    into.set(payment.orderId, (into.get(payment.orderId) ?? 0) + truth);
  }
  for (const order of facts.orders) {
    count(`orders ${order.state}`);
    const paid = paidOf.get(order.id) ?? 0;
    if (order.state === 'paid' && paid !== order.totalCents)
      findings.push({ rule: 'order paid total', order: order.id, detail: `paid with ${paid} cents really received of ${order.totalCents}` });
    if (paid > order.totalCents) findings.push({ rule: 'order paid total', order: order.id, detail: `${paid} cents paid on an order of ${order.totalCents}` });
    const refunded = refundedOf.get(order.id) ?? 0;
    if (refunded > paid) findings.push({ rule: 'refunds within paid', order: order.id, detail: `${refunded} cents given back of ${paid} received` });
    // A cancelled order that took money gives it all back (its cancellation's refunds, or a refund
    // made again): it keeps nothing. A refund still waiting for a terminal that never answered is
    // counted with the no-answer lines, not held against the order.
    if (order.state === 'cancelled' && paid > refunded) {
      if (noAnswerRefund.has(order.id)) count('cancelled: refund waits for a terminal that never answered (no-answer)');
      else findings.push({ rule: 'order paid total', order: order.id, detail: `cancelled although ${paid} cents were received and ${refunded} given back` });
    }
    if (refunded > 0 && order.state === 'draft')
      findings.push({ rule: 'refunds within paid', order: order.id, detail: `${refunded} cents given back on an order that is ${order.state}` });
  }
  count(
    'approved cents',
    facts.ledger.filter((e) => e.result === 'Approved' && e.kind !== 'refund').reduce((sum, e) => sum + e.amountCents, 0),
  );
  count(
    'refunded cents',
    facts.ledger.filter((e) => e.result === 'Approved' && e.kind === 'refund').reduce((sum, e) => sum + e.amountCents, 0),
  );
  return { counts, findings };
}
