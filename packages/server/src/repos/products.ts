import type { Executor } from './executor.js';

export interface Product {
  readonly id: number;
  readonly name: string;
  readonly priceCents: number;
  readonly vatRate: number;
  readonly active: boolean;
}

export interface ProductInput {
  readonly name: string;
  readonly priceCents: number;
  readonly vatRate: number;
  readonly active: boolean;
}

const columns = ['id', 'name', 'price_cents', 'vat_rate', 'active'] as const;
type Row = { id: number; name: string; price_cents: number; vat_rate: number; active: boolean };
const toProduct = (row: Row): Product => ({ id: row.id, name: row.name, priceCents: row.price_cents, vatRate: row.vat_rate, active: row.active });
const toRow = (p: ProductInput) => ({ name: p.name, price_cents: p.priceCents, vat_rate: p.vatRate, active: p.active });

export async function listProducts(db: Executor): Promise<Product[]> {
  return (await db.selectFrom('products').select(columns).orderBy('id').execute()).map(toProduct);
}

export async function getProducts(db: Executor, ids: readonly number[]): Promise<Product[]> {
  if (ids.length === 0) return [];
  return (
    await db
      .selectFrom('products')
      .select(columns)
      .where('id', 'in', [...ids])
      .execute()
  ).map(toProduct);
}

export async function createProduct(db: Executor, product: ProductInput): Promise<Product> {
  return toProduct(await db.insertInto('products').values(toRow(product)).returning(columns).executeTakeFirstOrThrow());
}

export async function updateProduct(db: Executor, id: number, product: ProductInput): Promise<Product | null> {
  const row = await db.updateTable('products').set(toRow(product)).where('id', '=', id).returning(columns).executeTakeFirst();
  return row === undefined ? null : toProduct(row);
}
