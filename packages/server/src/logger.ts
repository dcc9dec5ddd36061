import type { Logger } from 'pino';
import { pino } from 'pino';
import pretty from 'pino-pretty';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `pretty`: one readable line per record, for a person at a terminal; `json`: one JSON object per line, for journald, files and pipes. */
export type LogFormat = 'json' | 'pretty';

/** Readable when a person watches the output (a terminal), JSON otherwise. */
export function logFormatFor(stream: { readonly isTTY?: boolean }): LogFormat {
  return stream.isTTY === true ? 'pretty' : 'json';
}

/** The server's logger on stdout, or on `destination` (tests). */
export function createLogger(level: LogLevel, format: LogFormat, destination?: NodeJS.WritableStream): Logger {
  if (format === 'pretty') {
    return pino(
      { level },
      pretty({
        destination: destination ?? 1,
        sync: true,
        colorize: destination === undefined && process.stdout.isTTY === true,
        translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
        ignore: 'pid,hostname',
      }),
    );
  }
  return destination ? pino({ level }, destination) : pino({ level });
}
