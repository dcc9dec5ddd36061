import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword, verifyPassword } from './auth/passwords.js';
import { issueBoxToken, randomToken, sha256 } from './auth/tokens.js';
import { getCompany, saveCompany } from './repos/company.js';
import { findDeviceOfBox, upsertDevice } from './repos/devices.js';
import type { Executor } from './repos/executor.js';
import { createJournal, listJournals } from './repos/journals.js';
import { createPaymentMethod, listPaymentMethods } from './repos/payment-methods.js';
import { createPosConfig, listPosConfigs } from './repos/pos-configs.js';
import { createProduct, listProducts } from './repos/products.js';
import { makePrivateDir, PRIVATE_FILE_MODE } from './private-files.js';
import { createUser, findUserForLogin, updateUser } from './repos/users.js';
import type { ServiceContext } from './services/context.js';

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** What a demo start hands back: who can log in, and the token the demo box dials with. */
export interface DemoData {
  readonly admin: Credentials;
  readonly cashier: Credentials;
  readonly boxId: string;
  readonly boxToken: string;
  /** The TerminalId of the demo Lane/5000 that the card method uses. */
  readonly terminalId: string;
}

export const DEMO_FILE = 'demo.json';
export const DEMO_TERMINAL_ID = '12345678';
const DEMO_BOX_NAME = 'Demo box';
const DEMO_PRODUCTS = [
  { name: 'Fries', priceCents: 350, vatRate: 6 },
  { name: 'Frikandel', priceCents: 300, vatRate: 6 },
  { name: 'Cola', priceCents: 280, vatRate: 6 },
  { name: 'Beer', priceCents: 300, vatRate: 21 },
] as const;

function isCredentials(value: unknown): value is Credentials {
  return (
    typeof value === 'object' && value !== null && typeof (value as Credentials).username === 'string' && typeof (value as Credentials).password === 'string'
  );
}

/** The secrets of an earlier demo start, or null when the file is missing or not ours. */
export function readDemoFile(dataDir: string): DemoData | null {
  const path = join(dataDir, DEMO_FILE);
  if (!existsSync(path)) return null;
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof value !== 'object' || value === null) return null;
    const v = value as Record<string, unknown>;
    if (!isCredentials(v['admin']) || !isCredentials(v['cashier']) || typeof v['boxId'] !== 'string' || typeof v['boxToken'] !== 'string') return null;
    return { admin: v['admin'], cashier: v['cashier'], boxId: v['boxId'], boxToken: v['boxToken'], terminalId: DEMO_TERMINAL_ID };
  } catch {
    return null;
  }
}

function writeDemoFile(dataDir: string, demo: DemoData): void {
  makePrivateDir(dataDir);
  // The file holds passwords and the box token: readable by the owner only (also when it was there before).
  const path = join(dataDir, DEMO_FILE);
  writeFileSync(path, `${JSON.stringify(demo, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
  chmodSync(path, PRIVATE_FILE_MODE);
}

function freshSecrets(boxId: string | null): DemoData {
  const issued = issueBoxToken();
  const id = boxId ?? issued.boxId;
  return {
    admin: { username: 'admin', password: randomToken(12) },
    cashier: { username: 'cashier', password: randomToken(12) },
    boxId: id,
    boxToken: boxId === null ? issued.token : `${id}.${randomToken()}`,
    terminalId: DEMO_TERMINAL_ID,
  };
}

/**
 * Seeds the demo: a Belgian company with the Ingenico setting on, Bank and Cash journals, a paired
 * box with an approved Lane/5000 (TerminalId 12345678), a card and a cash method, a POS with a few products,
 * an admin and a cashier. Each piece is added only when missing, so a second start adds nothing;
 * the passwords and box token live in `<dataDir>/demo.json` so they keep working after a restart.
 */
export async function seedDemo(ctx: ServiceContext, dataDir: string): Promise<DemoData> {
  const stored = readDemoFile(dataDir);
  const demo = await ctx.db.transaction().execute(async (trx) => {
    const existingBox = await trx
      .selectFrom('boxes')
      .select(['id'])
      .where('name', '=', DEMO_BOX_NAME)
      .where('revoked_at', 'is', null)
      .orderBy('created_at')
      .executeTakeFirst();
    const secrets = stored !== null && (existingBox === undefined || existingBox.id === stored.boxId) ? stored : freshSecrets(existingBox?.id ?? null);
    if ((await getCompany(trx)) === null) await saveCompany(trx, { name: 'Frituur Demo', country: 'BE', ingenicoEnabled: true });
    await ensureUser(trx, ctx, secrets.admin, 'admin');
    await ensureUser(trx, ctx, secrets.cashier, 'cashier');
    await ensureBox(trx, secrets);
    // The demo approves its own emulated terminal: the serial number and address of its first
    // report become the approved ones. One the demo finds new (e.g. removed and reported again) is
    // approved as well; a quarantined one is left for the admin.
    const known = await findDeviceOfBox(trx, secrets.boxId, DEMO_TERMINAL_ID);
    const device =
      known !== null && known.approval !== 'new'
        ? known
        : await upsertDevice(trx, {
            boxId: secrets.boxId,
            terminalId: DEMO_TERMINAL_ID,
            type: 'payment',
            make: 'Ingenico',
            model: 'Lane/5000',
            online: known?.online ?? false,
            at: known?.lastSeenAt ?? ctx.now(),
            approved: true,
          });
    const journals = await listJournals(trx);
    const bank = journals.find((j) => j.type === 'bank') ?? (await createJournal(trx, { name: 'Bank', type: 'bank' }));
    const cash = journals.find((j) => j.type === 'cash') ?? (await createJournal(trx, { name: 'Cash', type: 'cash' }));
    const methods = await listPaymentMethods(trx);
    const card =
      methods.find((m) => m.terminal === 'ingenico') ??
      (await createPaymentMethod(trx, { name: 'Card', kind: 'bank', journalId: bank.id, terminal: 'ingenico', deviceId: device.id }));
    const till =
      methods.find((m) => m.kind === 'cash') ??
      (await createPaymentMethod(trx, { name: 'Cash', kind: 'cash', journalId: cash.id, terminal: 'none', deviceId: null }));
    if ((await listPosConfigs(trx)).length === 0) await createPosConfig(trx, { name: 'Shop', paymentMethodIds: [card.id, till.id] });
    if ((await listProducts(trx)).length === 0) for (const product of DEMO_PRODUCTS) await createProduct(trx, { ...product, active: true });
    return secrets;
  });
  if (stored === null || stored.boxToken !== demo.boxToken) writeDemoFile(dataDir, demo);
  return demo;
}

/** Creates the user, or gives it the demo password again when it no longer matches. */
async function ensureUser(trx: Executor, ctx: ServiceContext, credentials: Credentials, role: 'admin' | 'cashier'): Promise<void> {
  const existing = await findUserForLogin(trx, credentials.username);
  if (existing === null) {
    await createUser(trx, { username: credentials.username, role, passwordHash: await hashPassword(credentials.password, ctx.passwordCost) });
  } else if (!existing.active || existing.role !== role || !(await verifyPassword(credentials.password, existing.passwordHash))) {
    await updateUser(trx, existing.id, { role, active: true, passwordHash: await hashPassword(credentials.password, ctx.passwordCost) });
  }
}

/** Creates the demo box, or gives it the token in hand; only the token's hash is stored. */
async function ensureBox(trx: Executor, secrets: DemoData): Promise<void> {
  const tokenHash = sha256(secrets.boxToken);
  const existing = await trx.selectFrom('boxes').select(['id', 'token_hash']).where('id', '=', secrets.boxId).executeTakeFirst();
  if (existing === undefined) await trx.insertInto('boxes').values({ id: secrets.boxId, name: DEMO_BOX_NAME, token_hash: tokenHash }).execute();
  else if (existing.token_hash !== tokenHash) await trx.updateTable('boxes').set({ token_hash: tokenHash }).where('id', '=', secrets.boxId).execute();
}
