import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLITE_FOLDER } from './database.js';

/**
 * A server on the embedded database listens on this Unix socket in its data folder (mode 0600: only
 * the owner of the data may use it). `kassa-server backup` asks it for the copy, so a backup taken
 * while the server runs is consistent; its presence also stops a second process from opening the
 * same PGlite files.
 */
export const CONTROL_SOCKET = 'kassa-server.sock';

export class BackupError extends Error {
  constructor(
    readonly code: 'KASSA_BACKUP_DATA_IN_USE' | 'KASSA_BACKUP_NO_DATABASE' | 'KASSA_BACKUP_NOT_EMPTY' | 'KASSA_BACKUP_FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'BackupError';
  }
}

const MAX_SOCKET_PATH = 100;

const socketPath = (dataDir: string): string => join(dataDir, CONTROL_SOCKET);

function get(dataDir: string, path: string): Promise<{ status: number; body: Buffer } | null> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ socketPath: socketPath(dataDir), path, method: 'GET' }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNREFUSED' || error.code === 'ENOENT' ? resolve(null) : reject(error)));
    req.end();
  });
}

/** Whether a running server holds this data folder (a socket left by a crash does not count). */
export async function serverHoldsData(dataDir: string): Promise<boolean> {
  if (!existsSync(socketPath(dataDir))) return false;
  return (await get(dataDir, '/ping')) !== null;
}

/**
 * Listens on the data folder's control socket; refuses when another server already does. A socket
 * file left by a crash is removed first.
 */
export async function startControlSocket(dataDir: string, dump: () => Promise<Uint8Array>): Promise<{ close(): Promise<void> }> {
  if (await serverHoldsData(dataDir)) throw new BackupError('KASSA_BACKUP_DATA_IN_USE', `another kassa-server runs on the data folder ${dataDir}`);
  const path = socketPath(dataDir);
  // A Unix socket's path is limited to about 104 bytes (108 on Linux, less on other systems).
  if (Buffer.byteLength(resolve(path)) > MAX_SOCKET_PATH)
    throw new BackupError('KASSA_BACKUP_FAILED', `the data folder's path is too long for its control socket ${resolve(path)}; choose a shorter --data`);
  if (existsSync(path)) unlinkSync(path);
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/ping') return void res.writeHead(200).end('ok');
    if (req.method !== 'GET' || req.url !== '/backup') return void res.writeHead(404).end();
    dump().then(
      (tarball) => res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': tarball.byteLength }).end(tarball),
      (error: unknown) => res.writeHead(500).end(error instanceof Error ? error.message : String(error)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(path, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The copy of the embedded database in `dataDir`: from the running server when there is one, else read directly. */
export async function backupEmbedded(dataDir: string): Promise<Uint8Array> {
  const answer = existsSync(socketPath(dataDir)) ? await get(dataDir, '/backup') : null;
  if (answer !== null) {
    if (answer.status !== 200) throw new BackupError('KASSA_BACKUP_FAILED', `the running server could not write the backup: ${answer.body.toString('utf8')}`);
    return new Uint8Array(answer.body);
  }
  const folder = join(dataDir, PGLITE_FOLDER);
  if (!existsSync(join(folder, 'PG_VERSION'))) throw new BackupError('KASSA_BACKUP_NO_DATABASE', `no embedded database in ${folder}`);
  const pglite = await PGlite.create(folder);
  try {
    await pglite.exec('CHECKPOINT');
    return new Uint8Array(await (await pglite.dumpDataDir('gzip')).arrayBuffer());
  } finally {
    await pglite.close();
  }
}

/** Writes the backup readable by the owner only: it holds password hashes and the whole shop. */
export function writeBackupFile(path: string, tarball: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, tarball, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** Fills `dataDir` with the database of a backup; the folder's database must not exist yet, and no server may hold it. */
export async function restoreEmbedded(dataDir: string, backupFile: string): Promise<void> {
  if (await serverHoldsData(dataDir)) throw new BackupError('KASSA_BACKUP_DATA_IN_USE', `a kassa-server runs on ${dataDir}; stop it first`);
  const folder = join(dataDir, PGLITE_FOLDER);
  if (existsSync(folder) && readdirSync(folder).length > 0)
    throw new BackupError('KASSA_BACKUP_NOT_EMPTY', `${folder} holds a database already; move it away first`);
  const tarball = readFileSync(backupFile);
  mkdirSync(folder, { recursive: true });
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(folder, { loadDataDir: new Blob([tarball]) });
  } catch (error) {
    throw new BackupError('KASSA_BACKUP_FAILED', `${backupFile} is not a kassa backup: ${error instanceof Error ? error.message : String(error)}`);
  }
  await pglite.close();
}
