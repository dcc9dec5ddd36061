import { startBox } from './box.js';
import { parseConfig, USAGE } from './config.js';
import { BoxError } from './errors.js';
import { createLogger, logFormatFor } from './logger.js';
import { BOX_SOFTWARE } from './version.js';
import { restrictNewFiles } from './private-files.js';

async function main(): Promise<void> {
  restrictNewFiles();
  let parsed;
  try {
    parsed = parseConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof BoxError) {
      process.stderr.write(`kassa-iotbox: ${error.message}\n`);
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
