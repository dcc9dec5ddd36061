import type { Logger } from 'pino';

/** What the uplink's parts log through: the server's logger, or a test's. */
export type UplinkLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
