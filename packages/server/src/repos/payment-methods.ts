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

const columns = ['id', 'name', 'kind', 'journal_id', 'terminal', 'device_id', 'refund_transaction_type'] as const;
type Row = { id: number; name: string; kind: PaymentMethodKind; journal_id: number; terminal: Terminal; device_id: number | null; refund_transaction_type: string | null };
const toMethod = (row: Row): PaymentMethod => ({ id: row.id, name: row.name, kind: row.kind, journalId: row.journal_id, terminal: row.terminal, deviceId: row.device_id, refundTransactionType: row.refund_transaction_type });
const toRow = (m: PaymentMethodInput) => ({
  name: m.name,
  kind: m.kind,
  journal_id: m.journalId,
  terminal: m.terminal,
  device_id: m.deviceId,
  ...(m.refundTransactionType === undefined ? {} : { refund_transaction_type: m.refundTransactionType === null ? null : m.refundTransactionType.toUpperCase() }),
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
  const row = await db.selectFrom('payment_methods').select((eb) => eb.fn.countAll<number>().as('n')).where('terminal', '=', 'ingenico').executeTakeFirstOrThrow();
  return Number(row.n);
}
