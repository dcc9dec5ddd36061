/** Stable codes of every error the emulator raises or emits. */
export const SimErrorCode = {
  /** An option of `startTerminal` / `startFleet` is missing or malformed. */
  BadOption: 'SIM_BAD_OPTION',
  /** A command-line flag is unknown, repeated or malformed. */
  BadFlag: 'SIM_BAD_FLAG',
  /** A `--script` file or step list is malformed. */
  BadScript: 'SIM_BAD_SCRIPT',
  /** The box sent a frame the codec rejects (bad MDC, bad structure, bad magic). */
  BadFrame: 'SIM_BAD_FRAME',
  /** The box's sequence number is not the expected one. */
  BadSequence: 'SIM_BAD_SEQUENCE',
  /** The box's first message was not a HelloResponse, or the HelloResponse refused the terminal. */
  BadHello: 'SIM_BAD_HELLO',
  /** No KeepAliveResponse (or a wrong one) arrived in time. */
  KeepAliveTimeout: 'SIM_KEEPALIVE_TIMEOUT',
  /** The TCP connection failed or broke. */
  Socket: 'SIM_SOCKET',
} as const;

export type SimErrorCode = (typeof SimErrorCode)[keyof typeof SimErrorCode];

/** The one error type of the emulator: a stable `code` plus a human sentence. */
export class SimError extends Error {
  override readonly name = 'SimError';
  readonly code: SimErrorCode;

  constructor(code: SimErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
    this.code = code;
  }
}
