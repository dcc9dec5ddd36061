import { pino, type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** `pretty`: one readable line per record, for a person at a terminal; `json`: one JSON object per line, for journald, files and pipes. */
export type LogFormat = 'json' | 'pretty';

/** Readable when a person watches the output (a terminal), JSON otherwise. */
export function logFormatFor(stream: { readonly isTTY?: boolean }): LogFormat {
  return stream.isTTY === true ? 'pretty' : 'json';
}

/**
 * The box's structured logger. The token and ticket text never reach a log line: the token is
 * redacted wherever it appears (in both formats: pino redacts before it writes), and ticket text is
 * only logged at debug level by the callers.
 */
export function createLogger(level: LevelWithSilent, destination?: NodeJS.WritableStream, format: LogFormat = 'json'): Logger {
  const options = {
    level,
    base: { name: 'kassa-iotbox' },
    redact: { paths: ['token', '*.token', 'headers.authorization', '*.headers.authorization'], censor: '[redacted]' },
  };
  if (format === 'pretty') {
    return pino(
      options,
      pretty({
        destination: destination ?? 1,
        sync: true,
        colorize: destination === undefined && process.stdout.isTTY === true,
        translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
        ignore: 'pid,hostname',
      }),
    );
  }
  return destination ? pino(options, destination) : pino(options);
}
