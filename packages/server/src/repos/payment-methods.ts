import type { PaymentMethodKind, Terminal } from '../domain/payment-methods.js';
import type { Executor } from './executor.js';

export interface PaymentMethod {
  readonly id: number;
  readonly name: string;
  readonly kind: PaymentMethodKind;
  readonly journalId: number;
  readonly terminal: Terminal;
  readonly deviceId: number | null;
  /** The TransactionType a refund sends on its terminal (two hex digits); null: the default, 20. */
  readonly refundTransactionType: string | null;
  /** Kept for history, hidden from choices, refused for new payments. */
  readonly archived: boolean;
}

export interface PaymentMethodInput {
  readonly name: string;
  readonly kind: PaymentMethodKind;
  readonly journalId: number;
  readonly terminal: Terminal;
  readonly deviceId: number | null;
  /** Undefined: unchanged (null on a new method). */
  readonly refundTransactionType?: string | null | undefined;
}

const columns = ['id', 'name', 'kind', 'journal_id', 'terminal', 'device_id', 'refund_transaction_type', 'archived_at'] as const;
type Row = {
  id: number;
  name: string;
  kind: PaymentMethodKind;
  journal_id: number;
  terminal: Terminal;
  device_id: number | null;
  refund_transaction_type: string | null;
  archived_at: Date | null;
};
const toMethod = (row: Row): PaymentMethod => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  journalId: row.journal_id,
  terminal: row.terminal,
  deviceId: row.device_id,
  refundTransactionType: row.refund_transaction_type,
  archived: row.archived_at !== null,
});
const toRow = (m: PaymentMethodInput) => ({
  name: m.name,
  kind: m.kind,
  journal_id: m.journalId,
  terminal: m.terminal,
  device_id: m.deviceId,
  ...(m.refundTransactionType === undefined
    ? {}
    : { refund_transaction_type: m.refundTransactionType === null ? null : m.refundTransactionType.toUpperCase() }),
});

export async function listPaymentMethods(db: Executor): Promise<PaymentMethod[]> {
  return (await db.selectFrom('payment_methods').select(columns).orderBy('id').execute()).map(toMethod);
}

export async function getPaymentMethod(db: Executor, id: number): Promise<PaymentMethod | null> {
  const row = await db.selectFrom('payment_methods').select(columns).where('id', '=', id).executeTakeFirst();
  return row === undefined ? null : toMethod(row);
}

export async function createPaymentMethod(db: Executor, method: PaymentMethodInput): Promise<PaymentMethod> {
  return toMethod(await db.insertInto('payment_methods').values(toRow(method)).returning(columns).executeTakeFirstOrThrow());
}

export async function updatePaymentMethod(db: Executor, id: number, method: PaymentMethodInput): Promise<PaymentMethod | null> {
  const row = await db.updateTable('payment_methods').set(toRow(method)).where('id', '=', id).returning(columns).executeTakeFirst();
  return row === undefined ? null : toMethod(row);
}

export async function countIngenicoMethods(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('payment_methods')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('terminal', '=', 'ingenico')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Archives a method (at `at`) or brings it back (null). */
export async function setPaymentMethodArchived(db: Executor, id: number, at: Date | null): Promise<PaymentMethod | null> {
  const row = await db.updateTable('payment_methods').set({ archived_at: at }).where('id', '=', id).returning(columns).executeTakeFirst();
  return row === undefined ? null : toMethod(row);
}

/** What still uses a method: its payment and refund lines, and the POS configurations that offer it. */
export async function paymentMethodUses(db: Executor, id: number): Promise<{ paymentLines: number; posConfigs: { id: number; name: string }[] }> {
  const lines = await db
    .selectFrom('payments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('method_id', '=', id)
    .executeTakeFirstOrThrow();
  const posConfigs = await db
    .selectFrom('pos_config_methods as l')
    .innerJoin('pos_configs as pc', 'pc.id', 'l.pos_config_id')
    .select(['pc.id', 'pc.name'])
    .where('l.payment_method_id', '=', id)
    .orderBy('pc.id')
    .execute();
  return { paymentLines: Number(lines.n), posConfigs };
}

export async function deletePaymentMethod(db: Executor, id: number): Promise<void> {
  await db.deleteFrom('payment_methods').where('id', '=', id).execute();
}
