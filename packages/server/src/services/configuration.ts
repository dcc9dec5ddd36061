import type { Company as CompanyApi, JournalBody, PaymentMethodBody, PosConfigBody, ProductBody, UpdateCompanyBody } from '@kassa/contract';
import type { Company } from '../domain/company.js';
import { updateCompany } from '../domain/company.js';
import { KassaError, notFound } from '../domain/errors.js';
import type { Journal } from '../domain/journals.js';
import { checkJournalChange } from '../domain/journals.js';
import type { NamedKind } from '../domain/names.js';
import { checkNameFree, cleanName } from '../domain/names.js';
import { checkPaymentMethod } from '../domain/payment-methods.js';
import { checkPosPaymentMethods } from '../domain/pos-configs.js';
import { checkProduct } from '../domain/products.js';
import { vatRatesFor } from '../domain/vat.js';
import { getCompany, saveCompany } from '../repos/company.js';
import { getDevice } from '../repos/devices.js';
import { countMethodsOfJournal, createJournal, deleteJournal, getJournal, listJournals, updateJournal } from '../repos/journals.js';
import type { PaymentMethod } from '../repos/payment-methods.js';
import { countIngenicoMethods, createPaymentMethod, listPaymentMethods, updatePaymentMethod } from '../repos/payment-methods.js';
import type { PosConfig } from '../repos/pos-configs.js';
import { createPosConfig, getPosConfig, listPosConfigs, updatePosConfig } from '../repos/pos-configs.js';
import type { Product } from '../repos/products.js';
import { createProduct, listProducts, updateProduct } from '../repos/products.js';
import type { Executor } from '../repos/executor.js';
import type { ServiceContext } from './context.js';

/** A database that was never configured behaves as a Belgian company with Ingenico off. */
export const DEFAULT_COMPANY: Company = { name: 'My shop', country: 'BE', ingenicoEnabled: false };

export async function loadCompany(db: Executor): Promise<Company> {
  return (await getCompany(db)) ?? DEFAULT_COMPANY;
}

export function companyView(company: Company): CompanyApi {
  return { ...company, vatRates: [...vatRatesFor(company.country)] };
}

export async function changeCompany(ctx: ServiceContext, change: UpdateCompanyBody): Promise<CompanyApi> {
  return ctx.db.transaction().execute(async (trx) => {
    const company = await loadCompany(trx);
    const next = updateCompany({ company, change, ingenicoMethodCount: await countIngenicoMethods(trx) });
    await saveCompany(trx, next);
    return companyView(next);
  });
}

/** The name trimmed, not blank, and not the name of another object of its kind (`id` is the one saved). */
function uniqueName(kind: NamedKind, name: string, id: number | null, all: readonly { id: number; name: string }[]): string {
  const clean = cleanName(name);
  checkNameFree({ kind, name: clean, others: all.filter((o) => o.id !== id).map((o) => o.name) });
  return clean;
}

export async function addJournal(ctx: ServiceContext, body: JournalBody): Promise<Journal> {
  return ctx.db.transaction().execute(async (trx) => createJournal(trx, { ...body, name: uniqueName('Journal', body.name, null, await listJournals(trx)) }));
}

export async function changeJournal(ctx: ServiceContext, id: number, body: JournalBody | 'deleted'): Promise<Journal | null> {
  return ctx.db.transaction().execute(async (trx) => {
    const journal = await getJournal(trx, id);
    if (journal === null) throw notFound('Journal', id);
    checkJournalChange({ journal, nextType: body === 'deleted' ? body : body.type, methodCount: await countMethodsOfJournal(trx, id) });
    if (body !== 'deleted') return updateJournal(trx, id, { ...body, name: uniqueName('Journal', body.name, id, await listJournals(trx)) });
    await deleteJournal(trx, id);
    return null;
  });
}

async function checkedMethod(trx: Executor, id: number | null, body: PaymentMethodBody): Promise<PaymentMethodBody> {
  const all = await listPaymentMethods(trx);
  const name = uniqueName('Payment method', body.name, id, all);
  const journal = await getJournal(trx, body.journalId);
  if (journal === null) throw notFound('Journal', body.journalId);
  const device = body.deviceId === null ? null : await getDevice(trx, body.deviceId);
  if (body.deviceId !== null && device === null) throw notFound('Device', body.deviceId);
  checkPaymentMethod({ company: await loadCompany(trx), method: { ...body, journal, device } });
  // One terminal takes one method's payments: two methods on it would make two doors to one till.
  const sharing = body.deviceId === null ? undefined : all.find((m) => m.id !== id && m.deviceId === body.deviceId);
  if (sharing !== undefined) {
    throw new KassaError('KASSA_DEVICE_IN_USE', `deviceId: the payment method "${sharing.name}" uses this payment terminal already.`, {
      field: 'deviceId',
      reason: 'inUse',
      deviceId: body.deviceId,
      paymentMethodId: sharing.id,
      paymentMethodName: sharing.name,
    });
  }
  return { ...body, name };
}

export async function savePaymentMethod(ctx: ServiceContext, id: number | null, body: PaymentMethodBody): Promise<PaymentMethod> {
  return ctx.db.transaction().execute(async (trx) => {
    const clean = await checkedMethod(trx, id, body);
    if (id === null) return createPaymentMethod(trx, clean);
    const updated = await updatePaymentMethod(trx, id, clean);
    if (updated === null) throw notFound('Payment method', id);
    return updated;
  });
}

export async function savePosConfig(ctx: ServiceContext, id: number | null, posted: PosConfigBody): Promise<PosConfig> {
  return ctx.db.transaction().execute(async (trx) => {
    const before = id === null ? [] : ((await getPosConfig(trx, id))?.paymentMethodIds ?? null);
    if (before === null) throw notFound('POS configuration', id ?? 0);
    const body = { ...posted, name: uniqueName('POS configuration', posted.name, id, await listPosConfigs(trx)), shop: shopName(posted.shop) };
    if (body.paymentMethodIds.length === 0) {
      throw new KassaError('KASSA_POS_NO_METHOD', 'paymentMethodIds: choose at least one payment method.', { field: 'paymentMethodIds', reason: 'empty' });
    }
    const all = await listPaymentMethods(trx);
    const added = body.paymentMethodIds.filter((m) => !before.includes(m));
    const methods = await Promise.all(
      added.map(async (methodId) => {
        const method = all.find((m) => m.id === methodId);
        if (method === undefined) throw notFound('Payment method', methodId);
        if (method.archived)
          throw new KassaError('KASSA_METHOD_ARCHIVED', `paymentMethodIds: the payment method "${method.name}" is archived.`, {
            field: 'paymentMethodIds',
            paymentMethodId: method.id,
          });
        return { id: method.id, terminal: method.terminal, device: method.deviceId === null ? null : await getDevice(trx, method.deviceId) };
      }),
    );
    checkPosPaymentMethods({ methods });
    if (id === null) return createPosConfig(trx, body);
    const updated = await updatePosConfig(trx, id, body);
    if (updated === null) throw notFound('POS configuration', id);
    return updated;
  });
}

export async function saveProduct(ctx: ServiceContext, id: number | null, body: ProductBody): Promise<Product> {
  return ctx.db.transaction().execute(async (trx) => {
    const product = { ...body, name: uniqueName('Product', body.name, id, await listProducts(trx)), active: body.active ?? true };
    checkProduct({ country: (await loadCompany(trx)).country, product });
    if (id === null) return createProduct(trx, product);
    const updated = await updateProduct(trx, id, product);
    if (updated === null) throw notFound('Product', id);
    return updated;
  });
}

export function methodMissing(id: number): never {
  throw new KassaError('KASSA_NOT_FOUND', `Payment method ${id} does not exist.`, { what: 'Payment method', id });
}

/** A shop's name trimmed; blank is no shop; left out stays left out (unchanged). */
function shopName(shop: string | null | undefined): string | null | undefined {
  if (shop === undefined || shop === null) return shop;
  const trimmed = shop.trim();
  return trimmed === '' ? null : trimmed;
}
