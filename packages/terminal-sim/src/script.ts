import { stageValue, type TransactionStageName } from '@kassa/protocol';
import { SimError, SimErrorCode } from './errors.js';
import { isResultName, type ResultName } from './texts.js';

/** A key of the terminal's keypad that a script may wait for. */
export type AwaitedKey = 'card' | 'pin-ok';
/** Kinds of deliberately broken bytes (see README, "garbage"). */
export type JunkKind = 'bad-mdc' | 'bad-tlv' | 'random' | 'huge-length' | 'half-frame';
const JUNK_KINDS: readonly JunkKind[] = ['bad-mdc', 'bad-tlv', 'random', 'huge-length', 'half-frame'];

/**
 * One step of a transaction. Scenarios are step lists; `--script FILE.json`
 * supplies one. Steps run in order for every TransactionRequest.
 */
export type ScriptStep =
  /** TransactionResponse with this stage, then an InformationReport with the stage's text (or `message`). */
  | { readonly stage: TransactionStageName; readonly message?: string }
  /** Pause. */
  | { readonly wait: number }
  /** Wait for a key: pressed by hand in interactive mode, by the emulator after the stage delay otherwise. */
  | { readonly waitFor: AwaitedKey }
  /** The final TransactionResponse. Steps after it still run (raw bytes, a drop, …). */
  | {
      readonly result: ResultName;
      readonly authorisationCode?: string;
      /** CardBrandIdentifier digits; default chosen from the transaction id. */
      readonly cardBrand?: string;
      /** Include the merchant and cardholder tickets (default: for Approved and Declined). */
      readonly tickets?: boolean;
    }
  /** InformationReport carrying this text as its StageMessage. */
  | { readonly info: string }
  /** Drop the TCP connection now; the transaction goes on, unreported, and the terminal reconnects. */
  | { readonly drop: true }
  /** Write these bytes (hex) to the socket as they are. */
  | { readonly hex: string }
  /** Write a broken frame or random bytes. */
  | { readonly junk: JunkKind };

const KINDS = ['stage', 'wait', 'waitFor', 'result', 'info', 'drop', 'hex', 'junk'] as const;
const RESULT_EXTRAS = new Set(['authorisationCode', 'cardBrand', 'tickets']);
const MAX_WAIT_MS = 24 * 3600 * 1000;

/** Parses the text of a `--script` file: a JSON array of steps, or `{ "steps": [...] }`. */
export function parseScript(text: string): ScriptStep[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SimError(SimErrorCode.BadScript, `not JSON: ${(error as Error).message}`);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'steps' in value) {
    value = (value as { steps: unknown }).steps;
  }
  return validateScript(value);
}

/** Checks a step list from outside (JSON or a caller) and returns it typed. */
export function validateScript(value: unknown): ScriptStep[] {
  if (!Array.isArray(value)) throw new SimError(SimErrorCode.BadScript, 'a script is a list of steps');
  if (value.length === 0) throw new SimError(SimErrorCode.BadScript, 'a script needs at least one step');
  if (value.length > 10_000) throw new SimError(SimErrorCode.BadScript, 'a script has at most 10000 steps');
  return value.map((step, index) => validateStep(step, index));
}

function validateStep(step: unknown, index: number): ScriptStep {
  const fail = (reason: string): SimError => new SimError(SimErrorCode.BadScript, `step ${index + 1}: ${reason}`);
  if (step === null || typeof step !== 'object' || Array.isArray(step)) throw fail('must be an object');
  const record = step as Record<string, unknown>;
  const kinds = KINDS.filter((k) => k in record);
  if (kinds.length !== 1) throw fail(`must have exactly one of ${KINDS.join(', ')}`);
  const kind = kinds[0]!;
  const extras = Object.keys(record).filter((k) => k !== kind);
  const allowed = kind === 'stage' ? new Set(['message']) : kind === 'result' ? RESULT_EXTRAS : new Set<string>();
  const unknown = extras.find((k) => !allowed.has(k));
  if (unknown !== undefined) throw fail(`unknown field "${unknown}"`);
  const v = record[kind];
  switch (kind) {
    case 'stage': {
      if (typeof v !== 'string' || stageValue(v) === undefined) throw fail(`stage "${String(v)}" is not a TransactionStage name`);
      if (record.message !== undefined && !isShortText(record.message)) throw fail('message must be text of at most 200 characters');
      return record.message === undefined ? { stage: v as TransactionStageName } : { stage: v as TransactionStageName, message: record.message as string };
    }
    case 'wait':
      if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > MAX_WAIT_MS) throw fail('wait must be a whole number of milliseconds, at most one day');
      return { wait: v as number };
    case 'waitFor':
      if (v !== 'card' && v !== 'pin-ok') throw fail('waitFor must be "card" or "pin-ok"');
      return { waitFor: v };
    case 'result':
      return validateResult(record, fail);
    case 'info':
      if (!isShortText(v)) throw fail('info must be text of at most 200 characters');
      return { info: v as string };
    case 'drop':
      if (v !== true) throw fail('drop must be true');
      return { drop: true };
    case 'hex':
      if (typeof v !== 'string' || !/^([0-9a-fA-F]{2})+$/.test(v.replace(/\s+/g, '')) || v.length > 131_072)
        throw fail('hex must be an even number of hex digits');
      return { hex: v.replace(/\s+/g, '') };
    case 'junk':
      if (!(JUNK_KINDS as readonly unknown[]).includes(v)) throw fail(`junk must be one of ${JUNK_KINDS.join(', ')}`);
      return { junk: v as JunkKind };
  }
}

function validateResult(record: Record<string, unknown>, fail: (reason: string) => SimError): ScriptStep {
  const { result, authorisationCode, cardBrand, tickets } = record;
  if (!isResultName(result)) throw fail(`result "${String(result)}" must be Approved, Declined, Stopped, Error or TechnicalProblem`);
  if (authorisationCode !== undefined && (typeof authorisationCode !== 'string' || !/^[\x20-\x7e]{1,12}$/.test(authorisationCode))) {
    throw fail('authorisationCode must be 1 to 12 printable ASCII characters');
  }
  if (cardBrand !== undefined && (typeof cardBrand !== 'string' || !/^\d{4}$/.test(cardBrand))) throw fail('cardBrand must be 4 digits');
  if (tickets !== undefined && typeof tickets !== 'boolean') throw fail('tickets must be true or false');
  return {
    result,
    ...(authorisationCode !== undefined ? { authorisationCode: authorisationCode as string } : {}),
    ...(cardBrand !== undefined ? { cardBrand: cardBrand as string } : {}),
    ...(tickets !== undefined ? { tickets: tickets as boolean } : {}),
  };
}

function isShortText(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 200;
}
