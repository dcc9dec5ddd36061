import {
  TransactionResult,
  TransactionStage,
  type Body,
  type TicketRecord,
  type TransactionData,
  type TransactionStageName,
  type TypedMessageName,
} from '@kassa/protocol';
import { brandByIdentifier, cardFor } from './card.js';
import { SimTransactionType, type LedgerEntry, type TransactionKind } from './ledger.js';
import type { AwaitedKey, JunkKind, ScriptStep } from './script.js';
import { stageText, type Language, type ResultName } from './texts.js';
import { buildTickets } from './ticket.js';

/** What a running transaction needs from its terminal. Writes go to the connection the request came on. */
export interface TransactionEnv {
  readonly terminalId: string;
  readonly language: Language;
  readonly shopName: string;
  readonly stageDelayMs: number;
  readonly manualKeys: boolean;
  send(type: TypedMessageName, body: Body): boolean;
  sendJunk(kind: JunkKind): void;
  sendHex(hex: string): void;
  drop(): void;
  screen(text: string): void;
  finished(entry: LedgerEntry, finalBody: Body): void;
}

/** Stages in which the customer (or the box) may still stop the payment: the authorisation has not started. */
const CANCELLABLE: ReadonlySet<TransactionStageName> = new Set(['None', 'WaitingForCard', 'CardDetected', 'WaitingForPin']);

/**
 * One payment, from TransactionRequest to its final TransactionResponse:
 * runs the steps in order, one timer at a time.
 */
export class Transaction {
  readonly id: bigint;
  readonly amountCents: number;
  readonly kind: TransactionKind;
  readonly startedAt = new Date();
  private stage: TransactionStageName = 'None';
  private readonly steps: readonly ScriptStep[];
  private readonly env: TransactionEnv;
  private index = 0;
  private timer: NodeJS.Timeout | undefined;
  private awaiting: AwaitedKey | undefined;
  private done = false;
  private halted = false;
  private cardRead = false;

  constructor(env: TransactionEnv, request: { id: bigint; amountCents: number; kind?: TransactionKind }, steps: readonly ScriptStep[]) {
    this.env = env;
    this.id = request.id;
    this.amountCents = request.amountCents;
    this.kind = request.kind ?? 'purchase';
    this.steps = steps;
  }

  /** True once the final result was sent (later steps may still be running). */
  get isFinished(): boolean {
    return this.done;
  }

  /** True when every step ran but none gave a result: the terminal will never answer (no-answer). */
  get isHanging(): boolean {
    return !this.done && !this.halted && this.index >= this.steps.length && this.timer === undefined && this.awaiting === undefined;
  }

  /** True while steps remain to run (after the result too: a script may drop or write bytes afterwards). */
  get hasPendingSteps(): boolean {
    return !this.halted && (this.index < this.steps.length || this.timer !== undefined || this.awaiting !== undefined);
  }

  get currentStage(): TransactionStageName {
    return this.stage;
  }

  get canBeCancelled(): boolean {
    return !this.done && CANCELLABLE.has(this.stage);
  }

  start(): void {
    this.run();
  }

  /** A key of the keypad. Returns true when it changed the transaction. */
  press(key: 'card' | 'pin-ok' | 'cancel' | 'remove-card' | 'stop'): boolean {
    if (this.done || this.halted) return false;
    if (key === 'card' || key === 'pin-ok') {
      if (this.awaiting !== key) return false;
      this.resume();
      return true;
    }
    if (key === 'remove-card' && !this.cardRead) return false;
    if (!this.canBeCancelled) return false;
    this.stopNow();
    return true;
  }

  /** Ends the payment as Stopped (a CancelRequest that came in time, or the red key). */
  stopNow(): void {
    this.halt();
    this.finish({ result: 'Stopped' });
  }

  /**
   * Nothing more was going to happen (no-answer) and the terminal gives up: the connection died,
   * the box cancelled or asked for the last transaction, or the give-up time passed. It records
   * TechnicalProblem, unreported: the answer is never sent, only LastTransaction tells it.
   * Returns whether it gave up.
   */
  abandon(): boolean {
    if (!this.isHanging) return false;
    this.halt();
    this.finish({ result: 'TechnicalProblem', tickets: false }, false);
    return true;
  }

  /** Stops every timer for good (the terminal closes). */
  halt(): void {
    this.halted = true;
    this.awaiting = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private resume(): void {
    this.awaiting = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.run();
  }

  private run(): void {
    while (!this.halted && this.index < this.steps.length) {
      const step = this.steps[this.index++]!;
      if ('wait' in step) {
        this.timer = setTimeout(() => this.resume(), step.wait);
        return;
      }
      if ('waitFor' in step) {
        this.awaiting = step.waitFor;
        if (!this.env.manualKeys) this.timer = setTimeout(() => this.resume(), this.env.stageDelayMs);
        return;
      }
      this.perform(step);
    }
  }

  private perform(step: ScriptStep): void {
    if ('stage' in step) this.enterStage(step.stage, step.message);
    else if ('result' in step) {
      if (!this.done) this.finish(step);
    } else if ('info' in step) {
      this.env.send('InformationReport', { stageMessage: step.info });
      this.env.screen(step.info);
    } else if ('drop' in step) this.env.drop();
    else if ('hex' in step) this.env.sendHex(step.hex);
    else if ('junk' in step) this.env.sendJunk(step.junk);
  }

  private enterStage(stage: TransactionStageName, message: string | undefined): void {
    this.stage = stage;
    if (stage === 'CardDetected') this.cardRead = true;
    const value = TransactionStage[stage];
    const text = message ?? stageText(this.env.language, stage);
    this.env.send('TransactionResponse', { transactionStage: value });
    this.env.send('InformationReport', { transactionStage: value, stageMessage: text });
    this.env.screen(text);
  }

  private finish(step: { result: ResultName; authorisationCode?: string; cardBrand?: string; tickets?: boolean }, report = true): void {
    this.done = true;
    this.stage = 'Finished';
    const card = cardFor(this.id);
    const result = step.result;
    const withCard = this.cardRead || result === 'Approved' || result === 'Declined' || step.cardBrand !== undefined;
    const brand = (step.cardBrand !== undefined ? brandByIdentifier(step.cardBrand) : undefined) ?? card.brand;
    const brandId = step.cardBrand ?? brand.identifier;
    const authorisationCode = result === 'Approved' ? (step.authorisationCode ?? card.authorisationCode) : undefined;
    const withTickets = step.tickets ?? (result === 'Approved' || result === 'Declined');
    const finishedAt = new Date();
    const tickets: TicketRecord[] | undefined = withTickets
      ? buildTickets({
          language: this.env.language,
          shopName: this.env.shopName,
          terminalId: this.env.terminalId,
          date: this.startedAt,
          brand,
          maskedPan: card.maskedPan,
          amountCents: this.amountCents,
          kind: this.kind,
          result,
          authorisationCode,
        })
      : undefined;
    const transactionData: TransactionData = {
      amount: this.amountCents,
      // A refund's answer says it was a refund, so LastTransaction tells a box recovering it what ran.
      ...(this.kind === 'refund' ? { transactionType: Uint8Array.of(SimTransactionType.Refund) } : {}),
      ...(authorisationCode !== undefined ? { authorisationCode } : {}),
    };
    const body: Body = {
      transactionStage: TransactionStage.Finished,
      transactionResult: TransactionResult[result],
      transactionId: this.id,
      transactionData,
      ...(withCard ? { cardBrandIdentifier: brandId } : {}),
      ...(tickets ? { tickets } : {}),
    };
    const reportedToBox = report && this.env.send('TransactionResponse', body);
    this.env.screen(`${stageText(this.env.language, 'Finished')}: ${result}`);
    const entry: LedgerEntry = {
      transactionId: this.id,
      kind: this.kind,
      amountCents: this.amountCents,
      signedCents: this.kind === 'refund' ? -this.amountCents : this.amountCents,
      result,
      ...(authorisationCode !== undefined ? { authorisationCode } : {}),
      ...(withCard ? { cardBrand: brandId, cardScheme: brand.scheme } : {}),
      reportedToBox,
      startedAt: this.startedAt,
      finishedAt,
    };
    this.env.finished(entry, body);
  }
}
