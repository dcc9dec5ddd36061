/** Stable codes of every error the codec can raise. */
export const TlvErrorCode = {
  /** The 8 bytes after the length prefix are not "P4Y-ECR!". */
  BadMagic: 'TLV_BAD_MAGIC',
  /** The length prefix announces more than the configured maximum frame size. */
  FrameTooLarge: 'TLV_FRAME_TOO_LARGE',
  /** The length prefix is too small to hold the magic and a root TLV. */
  FrameTooSmall: 'TLV_FRAME_TOO_SMALL',
  /** The length prefix, or a TLV length, disagrees with the bytes that are there. */
  LengthMismatch: 'TLV_LENGTH_MISMATCH',
  /** The bytes end before the frame or the field does. */
  Truncated: 'TLV_TRUNCATED',
  /** A tag is malformed (unterminated multi-byte tag, or longer than 4 bytes). */
  BadTag: 'TLV_BAD_TAG',
  /** A length is malformed (indefinite form, or more than 4 length bytes). */
  BadLength: 'TLV_BAD_LENGTH',
  /** A child TLV extends past the end of its parent. */
  ChildOverrun: 'TLV_CHILD_OVERRUN',
  /** The root, header, body or footer is not laid out as F0 { E1 E2 E3 }. */
  BadStructure: 'TLV_BAD_STRUCTURE',
  /** A mandatory header or footer field is absent. */
  MissingField: 'TLV_MISSING_FIELD',
  /** A known field holds a value of the wrong size or format. */
  BadValue: 'TLV_BAD_VALUE',
  /** The footer's MDC is not the CRC-32 of the body's inner bytes. */
  MdcMismatch: 'TLV_MDC_MISMATCH',
} as const;

export type TlvErrorCode = (typeof TlvErrorCode)[keyof typeof TlvErrorCode];

/**
 * The one error type of the codec. `offset` is the byte offset where the problem
 * was found (inside the frame for `decodeFrame`, inside the stream for
 * `FrameDecoder`); `path` names the field for encoding errors. `fatal` means the
 * byte stream cannot be resynchronised: the connection should be closed.
 */
export class TlvError extends Error {
  override readonly name = 'TlvError';
  readonly code: TlvErrorCode;
  readonly offset: number | undefined;
  readonly path: string | undefined;
  readonly fatal: boolean;

  constructor(code: TlvErrorCode, message: string, details: { offset?: number | undefined; path?: string | undefined; fatal?: boolean } = {}) {
    const where = details.offset !== undefined ? ` at offset ${details.offset}` : details.path ? ` at ${details.path}` : '';
    super(`${code}${where}: ${message}`);
    this.code = code;
    this.offset = details.offset;
    this.path = details.path;
    this.fatal = details.fatal ?? false;
  }

  /** The same error seen from further along a stream. */
  shifted(by: number, fatal = this.fatal): TlvError {
    const reason = this.message.slice(this.message.indexOf(': ') + 2);
    return new TlvError(this.code, reason, {
      offset: this.offset === undefined ? undefined : this.offset + by,
      path: this.path,
      fatal,
    });
  }
}
