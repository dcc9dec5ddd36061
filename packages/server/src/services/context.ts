import type { ScryptCost } from '../auth/passwords.js';
import type { Database } from '../db/database.js';
import type { LoginLockout } from '../domain/login-lockout.js';
import { FINAL_STATES } from '../domain/payment-states.js';
import type { PaymentState } from '../domain/payment-states.js';
import type { Executor } from '../repos/executor.js';
import type { LocalLinks } from './local-links.js';

/** What every service needs: the database, the clock, and who this server process is. */
export interface ServiceContext {
  readonly database: Database;
  readonly db: Executor;
  /** Prefix of NOTIFY channels (the schema name when several runs share one database). */
  readonly prefix: string;
  readonly now: () => Date;
  /** Identifies this process among those sharing the database, for routing box commands. */
  readonly serverId: string;
  /** The box links this process holds, for commands it queues itself. */
  readonly links: LocalLinks;
  /** The URL boxes dial, shown in the pairing command. */
  readonly publicUrl: string;
  readonly passwordCost: ScryptCost;
  readonly sessionTtlMs: number;
  readonly loginLockout: LoginLockout;
  /** A cash difference beyond this many cents needs a manager to close a session (domain/closing.ts, default 500). */
  readonly closingThresholdCents?: number;
  /** Told when a payment reaches a final state (the metrics' payment latency). */
  readonly payments?: { finished(payment: { readonly createdAt: Date }, state: PaymentState, at: Date): void };
}

/**
 * Runs `work` with the context's statements on one pool connection (PostgreSQL), held until it
 * ends: for a worker that runs statement after statement (the box link's event workers). A request
 * of two statements does better on the pool: holding the connection while its rules run keeps it
 * from the workers, and under load that lengthened the tail of every box event. PGlite has one
 * connection, and a transaction is one already: `work` runs as it is.
 */
export async function onOneConnection<T>(ctx: ServiceContext, work: (ctx: ServiceContext) => Promise<T>): Promise<T> {
  if (ctx.database.kind !== 'postgres' || ctx.db.isTransaction) return work(ctx);
  return ctx.db.connection().execute((db) => work({ ...ctx, db }));
}

/** Tells the observer about a payment that has just left the running states for a final one. */
export function noteFinished(
  ctx: ServiceContext,
  payment: { readonly createdAt: Date; readonly state: PaymentState },
  next: PaymentState | null,
  at: Date,
): void {
  if (next === null || ctx.payments === undefined || FINAL_STATES.includes(payment.state) || !FINAL_STATES.includes(next)) return;
  ctx.payments.finished(payment, next, at);
}

export function iso(date: Date): string {
  return date.toISOString();
}

export function isoOrNull(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}
