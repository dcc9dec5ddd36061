import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { CreateUserBody } from '@kassa/contract';
import { Value } from 'typebox/value';
import type { DatabaseTarget } from './cli-args.js';
import { CliError } from './cli-args.js';
import { backupEmbedded, restoreEmbedded, serverHoldsData, writeBackupFile } from './db/backup.js';
import { databaseOptionsFrom, openDatabase } from './db/database.js';
import { DEFAULT_SCRYPT_COST, passwordWeakness, passwordWeaknessMessage } from './auth/passwords.js';
import { DEFAULT_LOGIN_LOCKOUT } from './domain/login-lockout.js';
import { LocalLinks } from './services/local-links.js';
import { createAdminFromShell } from './services/setup.js';

type PasswordSource = { from: 'file'; path: string } | { from: 'env'; value: string } | { from: 'prompt' };

/** Asks on the terminal without echoing what is typed. */
function prompt(question: string): Promise<string> {
  if (!process.stdin.isTTY) throw new CliError('no password given: use --password-file FILE or KASSA_ADMIN_PASSWORD, or run it in a terminal');
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (!muted) process.stderr.write(chunk);
      callback();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

async function readPassword(source: PasswordSource): Promise<string> {
  if (source.from === 'env') return source.value;
  if (source.from === 'file') {
    try {
      return readFileSync(source.path, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new CliError(`cannot read the password file: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const password = await prompt('Password: ');
  if ((await prompt('Repeat it: ')) !== password) throw new CliError('the two passwords differ');
  return password;
}

/** The rules of POST /api/users, so an admin made from the shell could have been made in the back office. */
export function checkNewAdmin(user: { username: string; password: string }): void {
  const error = Value.Errors(CreateUserBody, { ...user, role: 'admin' })[0];
  if (error === undefined) return;
  const field = error.instancePath.replace(/^\//, '') || 'user';
  throw new CliError(
    `${field} ${error.message}${field === 'username' ? ' (letters, digits and _ . @ - only, at most 64)' : field === 'password' ? ' (12 to 256 characters, not a common password, a repeat, a run or the username)' : ''}`,
  );
}

/** The password rules beyond the schema (not common, not a repeat or a run, not the username), as a one-line CLI error. */
function checkAdminPassword(password: string, username: string): void {
  const weakness = passwordWeakness(password, username);
  if (weakness !== null) throw new CliError(passwordWeaknessMessage(weakness));
}

export async function createAdmin({ target, username, password }: { target: DatabaseTarget; username: string; password: PasswordSource }): Promise<string> {
  const chosen = databaseOptionsFrom({ databaseUrl: target.databaseUrl, dataDir: target.dataDir });
  if (chosen.kind === 'pglite' && (await serverHoldsData(target.dataDir))) {
    throw new CliError(`a kassa-server runs on ${target.dataDir}: open the setup link it printed, or stop it and run create-admin again`);
  }
  const secret = await readPassword(password);
  checkNewAdmin({ username, password: secret });
  checkAdminPassword(secret, username);
  const database = await openDatabase(chosen);
  try {
    const ctx = {
      database,
      db: database.db,
      prefix: database.bus.prefix,
      now: () => new Date(),
      serverId: 'create-admin',
      links: new LocalLinks(),
      publicUrl: '',
      passwordCost: DEFAULT_SCRYPT_COST,
      sessionTtlMs: 0,
      loginLockout: DEFAULT_LOGIN_LOCKOUT,
    };
    const user = await createAdminFromShell(ctx, { username, password: secret });
    return `admin ${user.username} created`;
  } finally {
    await database.close();
  }
}

export async function backup({ dataDir, to }: { dataDir: string; to: string }): Promise<string> {
  const tarball = await backupEmbedded(dataDir);
  writeBackupFile(to, tarball);
  return `backup of ${dataDir} written to ${to} (${tarball.byteLength} bytes)`;
}

export async function restore({ dataDir, from }: { dataDir: string; from: string }): Promise<string> {
  await restoreEmbedded(dataDir, from);
  return `${from} restored into ${dataDir}`;
}
