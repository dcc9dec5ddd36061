import { startBox } from './box.js';
import { parseConfig, parsePairArgs, USAGE } from './config.js';
import { BoxError } from './errors.js';
import { createLogger, logFormatFor } from './logger.js';
import { pairByCode, readPairing } from './pairing.js';
import { restrictNewFiles } from './private-files.js';
import { BOX_SOFTWARE } from './version.js';

/** `kassa-iotbox pair`: exit 0 paired, 1 refused or unreachable, 2 bad arguments. */
async function pair(argv: readonly string[]): Promise<void> {
  let args;
  try {
    args = parsePairArgs(argv, process.env);
  } catch (error) {
    if (!(error instanceof BoxError)) throw error;
    process.stderr.write(`kassa-iotbox: ${error.message} (see --help)\n`);
    process.exit(2);
  }
  if ('kind' in args) {
    process.stdout.write(args.kind === 'help' ? USAGE : `${BOX_SOFTWARE}\n`);
    return;
  }
  try {
    const { boxId, path } = await pairByCode(args);
    const kept = args.insecure ? `; plain ${new URL(args.server).protocol}// to this server stays allowed (--insecure is kept with the pairing)` : '';
    process.stdout.write(`kassa-iotbox: paired as box ${boxId}; token stored in ${path}${kept}\nStart the box with: kassa-iotbox --data ${args.dataDir}\n`);
  } catch (error) {
    if (!(error instanceof BoxError)) throw error;
    process.stderr.write(`kassa-iotbox pair: ${error.message}\n`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  restrictNewFiles();
  if (process.argv[2] === 'pair') return pair(process.argv.slice(3));
  let parsed;
  try {
    parsed = parseConfig(process.argv.slice(2), process.env, readPairing);
  } catch (error) {
    if (error instanceof BoxError) {
      process.stderr.write(`kassa-iotbox: ${error.message} (see --help)\n`);
      process.exit(2);
    }
    throw error;
  }
  if (parsed.kind === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (parsed.kind === 'version') {
    process.stdout.write(`${BOX_SOFTWARE}\n`);
    return;
  }
  const { config } = parsed;
  const logger = createLogger(config.logLevel, undefined, logFormatFor(process.stdout));
  let box;
  try {
    box = await startBox({
      listen: config.listen,
      http: config.http,
      server: config.server,
      token: config.token,
      dataDir: config.dataDir,
      allow: config.allow,
      transactionTimeoutMs: config.transactionTimeoutMs,
      logger,
    });
  } catch (error) {
    const code = error instanceof BoxError ? error.code : ((error as NodeJS.ErrnoException).code ?? 'BOX_START_FAILED');
    logger.fatal({ code, reason: (error as Error).message }, 'box could not start');
    process.exitCode = 1;
    return;
  }
  // Whatever runs is journaled: dying on a bug and being restarted loses nothing, carrying on might.
  process.once('uncaughtException', (error) => {
    logger.fatal({ reason: error.message, stack: error.stack }, 'unexpected error; stopping');
    process.exit(1);
  });
  const stop = (signal: string): void => {
    logger.info({ signal }, 'stop requested');
    box.close().then(
      () => process.exit(0),
      (error: Error) => {
        logger.error({ reason: error.message }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

void main();
