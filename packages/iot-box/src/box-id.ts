import { randomUUID } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BoxError, BoxErrorCode } from './errors.js';
import { makePrivateDir, PRIVATE_FILE_MODE } from './private-files.js';

export const BOX_ID_FILE = 'box-id';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The box's identity: a UUID made at first start and kept in the data folder. */
export function loadOrCreateBoxId(dataDir: string): string {
  makePrivateDir(dataDir);
  const path = join(dataDir, BOX_ID_FILE);
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) {
    if (!UUID.test(text)) throw new BoxError(BoxErrorCode.BadBoxId, `${path} does not hold a UUID`);
    chmodSync(path, PRIVATE_FILE_MODE);
    return text.toLowerCase();
  }
  const id = randomUUID();
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, 'w', PRIVATE_FILE_MODE);
  try {
    writeSync(fd, `${id}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  return id;
}
