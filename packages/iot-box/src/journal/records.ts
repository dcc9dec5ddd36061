import { parseBoxToServer, type BoxEvent, type BoxEventOf, type TerminalModel } from '@kassa/contract';
import { BoxError, BoxErrorCode } from '../errors.js';

/** The events that end a transaction; the journal keeps them with it so a repeated command gets the same answer. */
export type FinalEvent = BoxEventOf<'transactionResult'> | BoxEventOf<'transactionNotRun'>;

export interface EventRecord {
  readonly k: 'event';
  readonly id: string;
  readonly at: string;
  readonly event: BoxEvent;
}

export interface StartedRecord {
  readonly k: 'txStarted';
  readonly paymentUuid: string;
  readonly terminalId: string;
  /** Decimal: 8 bytes on the wire do not fit a JSON number. */
  readonly transactionId: string;
  readonly amountCents: number;
  /** Absent in a purchase's record (and in every record written before refunds). */
  readonly transactionKind?: 'refund';
  /** The TransactionType byte sent, two hex digits; absent when none was sent. */
  readonly transactionType?: string;
  readonly at: string;
}

export interface DeviceRecord {
  readonly k: 'device';
  readonly terminalId: string;
  readonly model: TerminalModel;
  readonly serialNumber: string | null;
  readonly address: string | null;
  readonly lastSeen: number;
}

export interface UnknownRecord {
  readonly k: 'txUnknown';
  readonly paymentUuid: string;
  readonly reason: string;
}

export interface SettledRecord {
  readonly k: 'txSettled';
  readonly paymentUuid: string;
  readonly final: FinalEvent;
}

/**
 * The terminal reports on a lost transaction again (it names it after a reconnect, or its
 * last-transaction answer names it without a result): it runs again. A box older than this record
 * cannot read a journal holding one.
 */
export interface ResumedRecord {
  readonly k: 'txResumed';
  readonly paymentUuid: string;
}

/** Settled by hand on the server while unknown: no result of the terminal's to keep. */
export interface ReleasedRecord {
  readonly k: 'txReleased';
  readonly paymentUuid: string;
  readonly reason: string;
}

/** One line of the journal file. */
export type JournalRecord =
  | { readonly k: 'boot'; readonly boot: number; readonly at: string }
  | EventRecord
  | { readonly k: 'ack'; readonly ids: readonly string[] }
  | { readonly k: 'command'; readonly commandId: number }
  | StartedRecord
  | UnknownRecord
  | ResumedRecord
  | SettledRecord
  | ReleasedRecord
  | DeviceRecord;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MODELS: readonly string[] = ['lane5000', 'desk5000', 'move5000', 'unknown'];

type Shape = Record<string, unknown>;

const isString = (v: unknown): v is string => typeof v === 'string';
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isStringOrNull = (v: unknown): boolean => v === null || isString(v);

/** The event, checked against the contract exactly as it will be sent. */
function isContractEvent(event: unknown, id = 'check', at = new Date(0).toISOString()): boolean {
  try {
    parseBoxToServer(JSON.stringify({ type: 'event', id, at, event }));
    return true;
  } catch {
    return false;
  }
}

function isValid(r: Shape): boolean {
  switch (r.k) {
    case 'boot':
      return isCount(r.boot) && isString(r.at);
    case 'event':
      return isString(r.id) && isString(r.at) && isContractEvent(r.event, r.id, r.at);
    case 'ack':
      return Array.isArray(r.ids) && r.ids.every(isString);
    case 'command':
      return isCount(r.commandId);
    case 'txStarted':
      return (
        isString(r.paymentUuid) &&
        UUID.test(r.paymentUuid) &&
        isString(r.terminalId) &&
        isString(r.transactionId) &&
        /^\d{1,20}$/.test(r.transactionId) &&
        isCount(r.amountCents) &&
        isString(r.at) &&
        (r.transactionKind === undefined || r.transactionKind === 'refund') &&
        (r.transactionType === undefined || (isString(r.transactionType) && /^[0-9A-Fa-f]{2}$/.test(r.transactionType)))
      );
    case 'txUnknown':
    case 'txReleased':
      return isString(r.paymentUuid) && isString(r.reason);
    case 'txResumed':
      return isString(r.paymentUuid);
    case 'txSettled': {
      const final = r.final as Shape | null;
      return (
        isString(r.paymentUuid) &&
        typeof final === 'object' &&
        final !== null &&
        (final.kind === 'transactionResult' || final.kind === 'transactionNotRun') &&
        isContractEvent(final)
      );
    }
    case 'device':
      return isString(r.terminalId) && MODELS.includes(r.model as string) && isStringOrNull(r.serialNumber) && isStringOrNull(r.address) && isCount(r.lastSeen);
    default:
      return false;
  }
}

/** Checks one parsed journal line; throws BOX_JOURNAL_CORRUPT naming the line. */
export function toRecord(value: unknown, lineNumber: number): JournalRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !isValid(value as Shape)) {
    throw new BoxError(BoxErrorCode.JournalCorrupt, `journal line ${lineNumber} is not a journal record`);
  }
  return value as JournalRecord;
}
