import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../main.js';
import { backupEmbedded, BackupError, restoreEmbedded, writeBackupFile } from './backup.js';
import { openDatabase, PGLITE_FOLDER } from './database.js';

async function orderIds(dataDir: string): Promise<string[]> {
  const database = await openDatabase({ kind: 'pglite', dataDir: join(dataDir, PGLITE_FOLDER) });
  try {
    return (await database.db.selectFrom('orders').select('id').orderBy('id').execute()).map((r) => r.id);
  } finally {
    await database.close();
  }
}

const codeOf = async (run: () => Promise<unknown>): Promise<string> => {
  try {
    await run();
  } catch (error) {
    if (error instanceof BackupError) return error.code;
    throw error;
  }
  return 'no error';
};

describe('backup and restore of the embedded database', () => {
  const root = mkdtempSync(join(tmpdir(), 'kassa-bk-'));
  const live = join(root, 'live');
  const fresh = join(root, 'fresh');
  const file = join(root, 'backups', 'kassa.tar.gz');
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('copies the data of a running server through its control socket, and a fresh folder restored from it reads the same orders', async () => {
    const server = await startServer({ port: 0, dataDir: live, demo: true, logLevel: 'silent', webDist: null });
    try {
      const login = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(server.demo?.cashier),
      });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      const headers = { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
      const pos = ((await (await fetch(`${server.url}/api/pos-configs`, { headers })).json()) as { items: { id: number }[] }).items[0];
      const session = (await (
        await fetch(`${server.url}/api/sessions`, { method: 'POST', headers, body: JSON.stringify({ posConfigId: pos?.id, openingCashCents: 0 }) })
      ).json()) as { id: number };
      const products = ((await (await fetch(`${server.url}/api/products`, { headers })).json()) as { items: { id: number }[] }).items;
      for (const id of ['5b1e0a52-4f0e-4b8e-9d57-0a0000000001', '5b1e0a52-4f0e-4b8e-9d57-0a0000000002']) {
        const put = await fetch(`${server.url}/api/orders/${id}`, {
          method: 'PUT',
          headers,
          body: JSON.stringify({ sessionId: session.id, lines: [{ productId: products[0]?.id, quantity: 1 }] }),
        });
        expect(put.status).toBeLessThan(300);
      }
      // While the server runs: no second process may open its files, and the copy comes from it.
      expect(await codeOf(() => startServer({ port: 0, dataDir: live, logLevel: 'silent', webDist: null }))).toBe('KASSA_BACKUP_DATA_IN_USE');
      expect(await codeOf(() => restoreEmbedded(live, file))).toBe('KASSA_BACKUP_DATA_IN_USE');
      writeBackupFile(file, await backupEmbedded(live));
    } finally {
      await server.close();
    }
    const before = await orderIds(live);
    expect(before).toHaveLength(2);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    await restoreEmbedded(fresh, file);
    expect(await orderIds(fresh)).toEqual(before);
    expect(await codeOf(() => restoreEmbedded(fresh, file))).toBe('KASSA_BACKUP_NOT_EMPTY');
  }, 180_000);

  it('copies a folder no server holds by opening it, and refuses a folder without a database or a file that is no backup', async () => {
    const copy = join(root, 'stopped.tar.gz');
    writeBackupFile(copy, await backupEmbedded(live));
    expect(statSync(copy).size).toBeGreaterThan(0);
    expect(await codeOf(() => backupEmbedded(join(root, 'nothing')))).toBe('KASSA_BACKUP_NO_DATABASE');
    const junk = join(root, 'junk.tar.gz');
    writeFileSync(junk, 'not a tarball');
    expect(await codeOf(() => restoreEmbedded(join(root, 'from-junk'), junk))).toBe('KASSA_BACKUP_FAILED');
  }, 180_000);
});
