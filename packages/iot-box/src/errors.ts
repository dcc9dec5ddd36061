/** Stable codes of every error the box raises. */
export const BoxErrorCode = {
  /** A command-line flag or environment variable is missing, unknown or malformed. */
  BadConfig: 'BOX_BAD_CONFIG',
  /** The journal file holds a record that cannot be read (not a torn last line). */
  JournalCorrupt: 'BOX_JOURNAL_CORRUPT',
  /** Writing or syncing the journal failed: nothing may be sent that depends on it. */
  JournalWriteFailed: 'BOX_JOURNAL_WRITE_FAILED',
  /** The journal was closed while records were still queued. */
  JournalClosed: 'BOX_JOURNAL_CLOSED',
  /** The server refused a pairing code, or could not be reached to exchange it. */
  PairingFailed: 'BOX_PAIRING_FAILED',
  /** The stored pairing (pairing.json in the data folder) cannot be read. */
  BadPairingFile: 'BOX_BAD_PAIRING_FILE',
  /** The box identity file exists but does not hold a UUID. */
  BadBoxId: 'BOX_BAD_BOX_ID',
} as const;
export type BoxErrorCode = (typeof BoxErrorCode)[keyof typeof BoxErrorCode];

export class BoxError extends Error {
  override readonly name = 'BoxError';
  constructor(
    readonly code: BoxErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Why the box closed one terminal connection; logged and shown on /status. */
export const SessionCloseReason = {
  FrameError: 'FRAME_ERROR',
  MdcMismatch: 'MDC_MISMATCH',
  HalfFrameTimeout: 'HALF_FRAME_TIMEOUT',
  Silent: 'SILENT',
  NoHello: 'NO_HELLO',
  TerminalIdChanged: 'TERMINAL_ID_CHANGED',
  Replaced: 'REPLACED',
  /** The connection claimed the TerminalId of a terminal online from another address or with another serial number. */
  TerminalConflict: 'TERMINAL_CONFLICT',
  Bye: 'BYE',
  PeerClosed: 'PEER_CLOSED',
  SocketError: 'SOCKET_ERROR',
  InternalError: 'INTERNAL_ERROR',
  Shutdown: 'SHUTDOWN',
} as const;
export type SessionCloseReason = (typeof SessionCloseReason)[keyof typeof SessionCloseReason];
