import { chmodSync, mkdirSync } from 'node:fs';

/** The data folder (embedded database, demo secrets) is the owner's only. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates the folder (and missing parents) readable by the owner only, and takes group and other
 * rights off one that exists. A folder owned by someone else is left as it is (EPERM): the
 * operator chose it.
 */
export function makePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
  try {
    chmodSync(path, PRIVATE_DIR_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
}

/**
 * What the `kassa-server` command does first, and startServer before it opens an embedded
 * database: every file this process creates, the embedded database's included (PGlite creates its
 * files with the process's umask), is the owner's only.
 */
export function restrictNewFiles(): void {
  process.umask(0o077);
}
