import { transactionIdFromUuid } from '@kassa/contract';
import type { TerminalHandle } from '@kassa/terminal-sim';
import type { ApiClient } from './api.js';
import type { Till } from './till.js';
import type { LedgerFact, RunFacts, ServerOrder, ServerPayment, StartedFact } from './verify.js';

/** Watches each terminal for the transactions it starts and finishes. */
export class TerminalWatch {
  readonly started: StartedFact[] = [];
  readonly #running = new Map<string, string>();

  constructor(terminals: readonly TerminalHandle[]) {
    for (const terminal of terminals) {
      terminal.events.on('transaction-started', ({ transactionId }: { transactionId: bigint }) => {
        this.started.push({ terminalId: terminal.terminalId, transactionId: transactionId.toString() });
        this.#running.set(terminal.terminalId, transactionId.toString());
      });
      terminal.events.on('transaction-finished', () => this.#running.delete(terminal.terminalId));
    }
  }

  get running(): ReadonlySet<string> {
    return new Set(this.#running.values());
  }
}

async function getJson<T>(api: ApiClient, path: string): Promise<T> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const answer = await api.call(api.servers[attempt % api.servers.length]!, 'GET', path);
    if (answer.status === 200) return answer.body as T;
  }
  throw new Error(`GET ${path} kept failing`);
}

/** Reads every payment and order the tills made, from the server, and every ledger. */
export async function collectFacts(api: ApiClient, tills: readonly Till[], terminals: readonly TerminalHandle[], watch: TerminalWatch): Promise<RunFacts> {
  const payments: ServerPayment[] = [];
  const orderIds = new Set<string>();
  for (const till of tills) {
    for (const made of till.payments) {
      orderIds.add(made.orderId);
      const answer = await api.call(api.servers[0]!, 'GET', `/api/payments/${made.uuid}`);
      // A request that never reached the server made no payment: nothing to compare.
      if (answer.status === 404) continue;
      type Detail = { payment: { state: string; amountCents: number; orderId: string; kind: 'payment' | 'refund' }; tickets: unknown[] };
      const detail = answer.status === 200 ? (answer.body as Detail) : await getJson<Detail>(api, `/api/payments/${made.uuid}`);
      payments.push({
        uuid: made.uuid,
        transactionId: transactionIdFromUuid(made.uuid).toString(),
        orderId: detail.payment.orderId,
        state: detail.payment.state,
        amountCents: detail.payment.amountCents,
        card: made.card,
        kind: detail.payment.kind,
        tickets: detail.tickets.length,
      });
    }
  }
  const orders: ServerOrder[] = [];
  for (const id of orderIds) {
    const order = await getJson<{ id: string; state: string; totalCents: number }>(api, `/api/orders/${id}`);
    orders.push({ id: order.id, state: order.state, totalCents: order.totalCents });
  }
  const ledger: LedgerFact[] = terminals.flatMap((t) =>
    t.ledger.map((e) => ({ terminalId: t.terminalId, transactionId: e.transactionId.toString(), amountCents: e.amountCents, result: e.result, kind: e.kind })),
  );
  return { ledger, started: watch.started, stillRunning: watch.running, payments, orders };
}
