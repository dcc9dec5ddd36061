export { TlvError, TlvErrorCode } from './errors.js';
export { decodeFrame, encodeFrame, MAGIC, DEFAULT_MAX_FRAME_SIZE, FRAME_HEAD_BYTES, PREFIX_BYTES, type DecodeOptions } from './frame.js';
export { FrameDecoder, type FrameDecoderOptions } from './frame-decoder.js';
export type {
  Body,
  ConnectionParameters,
  FieldGroup,
  FieldValue,
  GenericMessage,
  Header,
  Message,
  MessageInput,
  PrintData,
  RawFields,
  TicketRecord,
  TlvNode,
  TransactionData,
  TypedMessage,
} from './message.js';
export { isTyped } from './message.js';
export { TYPED_MESSAGE_IDS, type TypedMessageName, typedNameOf, genericNameOf } from './message-types.js';
export {
  ByeReason,
  CancelReason,
  PRINT_ORIGIN_CASH_REGISTER,
  RESULT_OK,
  TransactionResult,
  TransactionStage,
  byeReasonName,
  resultName,
  resultValue,
  stageName,
  stageValue,
  type ByeReasonName,
  type TransactionResultName,
  type TransactionStageName,
} from './enums.js';
export { BODY_TAGS, Tag, type FieldFormat, type RawKey, type TagSpec } from './tags.js';
export { SequenceCounter, nextSequence } from './sequence.js';
export { messageFromJson, messageToJson, type JsonValue } from './json.js';
export { parseTree } from './tlv-tree.js';
export { crc32 } from './crc32.js';
export { fromHex, toHex } from './hex.js';
export { helpLines, readFlags, type Env, type Flag, type Flags } from './flags.js';
