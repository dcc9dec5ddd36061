import { CliError, createAdminCommand, parseCli, USAGE, type DatabaseTarget } from './cli-args.js';
import { backup, createAdmin, restore } from './commands.js';
import { BackupError } from './db/backup.js';
import { isKassaError } from './domain/errors.js';
import type { RunningServer } from './main.js';
import { startServer } from './main.js';
import { SERVER_VERSION } from './version.js';
import { restrictNewFiles } from './private-files.js';

const SHUTDOWN_GRACE_MS = 10_000;

function printSetup(server: RunningServer, target: DatabaseTarget): void {
  if (server.setupUrl === undefined) return;
  const { command, note } = createAdminCommand(target);
  process.stdout.write(
    [
      '',
      `kassa is running at ${server.url} and has no admin yet. Create the first one:`,
      `  in a browser: ${server.setupUrl}`,
      `  or in a shell (${note}):`,
      `    ${command}`,
      'The link works once, until an admin exists.',
      '',
    ].join('\n'),
  );
}

function printDemo(server: RunningServer): void {
  if (server.demo === undefined) return;
  const { admin, cashier, boxToken } = server.demo;
  process.stdout.write(
    [
      '',
      `kassa is running at ${server.url}`,
      `  admin:   ${admin.username} / ${admin.password}`,
      `  cashier: ${cashier.username} / ${cashier.password}`,
      `  demo box: kassa-iotbox --server ${server.publicUrl} --token ${boxToken}`,
      '',
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  restrictNewFiles();
  let command;
  try {
    command = parseCli(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    process.stderr.write(`kassa-server: ${error.message} (see --help)\n`);
    process.exit(2);
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (command.kind === 'version') {
    process.stdout.write(`kassa-server ${SERVER_VERSION}\n`);
    return;
  }
  if (command.kind !== 'run') {
    try {
      const done = command.kind === 'create-admin' ? await createAdmin(command) : command.kind === 'backup' ? await backup(command) : await restore(command);
      process.stdout.write(`${done}\n`);
      return;
    } catch (error) {
      if (error instanceof CliError) {
        process.stderr.write(`kassa-server ${command.kind}: ${error.message}\n`);
        process.exit(2);
      }
      if (error instanceof BackupError || isKassaError(error)) {
        process.stderr.write(`kassa-server ${command.kind}: ${error.message}\n`);
        process.exit(1);
      }
      throw error;
    }
  }
  const server = await startServer(command.options);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stderr.write(`kassa-server: ${signal}, closing\n`);
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Only once a stop request is handled: whoever waits for this banner may send one at once.
  printDemo(server);
  printSetup(server, command.options);
}

main().catch((error: unknown) => {
  process.stderr.write(`kassa-server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
