import type { PaymentMethod, PosConfig } from '@kassa/contract';
import { checkMethodArchive, checkMethodDelete, checkPosArchive, checkPosDelete, checkPosRestore } from '../domain/archive.js';
import { notFound } from '../domain/errors.js';
import { deletePaymentMethod, getPaymentMethod, paymentMethodUses, setPaymentMethodArchived } from '../repos/payment-methods.js';
import {
  deletePosConfig,
  getPosConfig,
  posConfigHasActiveMethod,
  posConfigSessions,
  posConfigsLeftWithoutMethod,
  setPosConfigArchived,
} from '../repos/pos-configs.js';
import type { ServiceContext } from './context.js';

/** Archives a payment method (kept for history, offered nowhere) or brings it back; a POS in use keeps a method to pay by. */
export async function archivePaymentMethod(ctx: ServiceContext, id: number, archived: boolean): Promise<PaymentMethod> {
  return ctx.db.transaction().execute(async (trx) => {
    if (archived) checkMethodArchive({ leftWithout: await posConfigsLeftWithoutMethod(trx, id) });
    const method = await setPaymentMethodArchived(trx, id, archived ? ctx.now() : null);
    if (method === null) throw notFound('Payment method', id);
    return method;
  });
}

/** Deletes a payment method nothing ever used (see checkMethodDelete). */
export async function removePaymentMethod(ctx: ServiceContext, id: number): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    if ((await getPaymentMethod(trx, id)) === null) throw notFound('Payment method', id);
    checkMethodDelete(await paymentMethodUses(trx, id));
    await deletePaymentMethod(trx, id);
  });
}

/** Archives a POS configuration (kept for the history of its sessions, not offered at the till) or brings it back. */
export async function archivePosConfig(ctx: ServiceContext, id: number, archived: boolean): Promise<PosConfig> {
  return ctx.db.transaction().execute(async (trx) => {
    if ((await getPosConfig(trx, id)) === null) throw notFound('POS configuration', id);
    if (archived) checkPosArchive({ openSessions: (await posConfigSessions(trx, id)).open });
    else checkPosRestore({ hasActiveMethod: await posConfigHasActiveMethod(trx, id) });
    const config = await setPosConfigArchived(trx, id, archived ? ctx.now() : null);
    if (config === null) throw notFound('POS configuration', id);
    return config;
  });
}

/** Deletes a POS configuration no session was ever opened on. */
export async function removePosConfig(ctx: ServiceContext, id: number): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    if ((await getPosConfig(trx, id)) === null) throw notFound('POS configuration', id);
    checkPosDelete(await posConfigSessions(trx, id));
    await deletePosConfig(trx, id);
  });
}
