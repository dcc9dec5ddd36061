import { setTimeout as delay } from 'node:timers/promises';
import type { BoxCommandMessage } from '@kassa/contract';
import { FINAL_STATES } from '../domain/payment-states.js';
import type { QueuedCommand } from '../repos/box-commands.js';
import type { UndeliveredCommand } from '../repos/uplink-commands.js';
import { markBoxCommandsDelivered, undeliveredCommandsAfter, undeliveredCommandsIn } from '../repos/uplink-commands.js';
import type { ServiceContext } from '../services/context.js';
import type { UplinkLogger } from './logger.js';

const BACKLOG_PAGE = 200;
/**
 * Confirmations wait this long to be written together: at 300 payments a second, one UPDATE
 * (and commit) for the commands a box journals in that time instead of one for nearly each. A
 * confirmation not yet written only means the command is sent again on the box's next link, which
 * the box answers as a repeat (never a second TransactionRequest).
 */
export const CONFIRM_WINDOW_MS = 20;
/** Payment states in which a start command must no longer reach the terminal. */
const SETTLED: ReadonlySet<string> = new Set(FINAL_STATES);

/**
 * `waiting`: commands are noted but not sent (no hello yet); `open`: sent as they come; `closed`:
 * the link ended, nothing more is taken or sent.
 */
export type CommandQueueState = 'waiting' | 'open' | 'closed';

export interface CommandQueueOptions {
  readonly boxId: string;
  readonly ctx: ServiceContext;
  readonly log: UplinkLogger;
  /** Writes one message on the link. */
  readonly send: (message: BoxCommandMessage) => void;
  /** Keeps a step's promise until it has finished, and logs it if it failed. */
  readonly track: (step: Promise<unknown>) => void;
}

/**
 * The server-to-box direction of a link: commands go out one step after another, in id order, each
 * once per link (again only on a new link), and the box's confirmations are written in batches.
 * A command reaches the queue by a NOTIFY or from this process itself (`queued`), or from the
 * table: the whole backlog when the link opens, and again at each `sweep` for a missed NOTIFY.
 */
export class CommandQueue {
  #state: CommandQueueState = 'waiting';
  /** Ids told of and not yet looked at; those that came with their command carry it. */
  #told = new Map<number, QueuedCommand | null>();
  /** Commands sent on this link. */
  readonly #sent = new Set<number>();
  /** One step after another: a drain of what was told, or a read of the backlog. */
  #steps: Promise<void> = Promise.resolve();
  #drainAhead = false;
  #confirmations: number[] = [];
  #confirming: Promise<void> | null = null;
  readonly #options: CommandQueueOptions;

  constructor(options: CommandQueueOptions) {
    this.#options = options;
  }

  get state(): CommandQueueState {
    return this.#state;
  }

  /** The hello is stored: send the backlog, then whatever was told meanwhile. */
  open(): void {
    if (this.#state !== 'waiting') return;
    this.#state = 'open';
    this.#step(() => this.#sendBacklog());
    if (this.#told.size > 0) this.#drain();
  }

  close(): void {
    this.#state = 'closed';
  }

  /** A command was queued for this box; when it comes whole it is sent as is, otherwise read first. */
  queued(commandId: number, carried?: QueuedCommand): void {
    if (this.#state === 'closed') return;
    if (carried !== undefined || !this.#told.has(commandId)) this.#told.set(commandId, carried ?? null);
    if (this.#state === 'open') this.#drain();
  }

  /** Sends whatever is still undelivered and not yet sent here: a safety net for a missed NOTIFY. */
  sweep(): void {
    if (this.#state === 'open') this.#step(() => this.#sendBacklog());
  }

  /** The box journaled a command (or it must not be sent): written with the others of the next CONFIRM_WINDOW_MS, in one UPDATE. */
  confirm(commandId: number): void {
    this.#confirmations.push(commandId);
    if (this.#confirming !== null) return;
    const { ctx, boxId } = this.#options;
    this.#confirming = (async () => {
      await delay(CONFIRM_WINDOW_MS);
      while (this.#confirmations.length > 0) {
        const ids = this.#confirmations;
        this.#confirmations = [];
        await markBoxCommandsDelivered(ctx.db, boxId, ids, ctx.now());
      }
    })().finally(() => {
      this.#confirming = null;
    });
    this.#options.track(this.#confirming);
  }

  #step(step: () => Promise<void>): void {
    const next = this.#steps.then(step);
    this.#options.track(next);
    this.#steps = next.catch(() => undefined);
  }

  /** Sends what was told in one step (reading the commands that came without their content in one query); what is told meanwhile waits for the next. */
  #drain(): void {
    if (this.#drainAhead) return;
    this.#drainAhead = true;
    this.#step(async () => {
      this.#drainAhead = false;
      const told = [...this.#told].filter(([id]) => !this.#sent.has(id));
      this.#told = new Map();
      if (told.length === 0 || this.#state !== 'open') return;
      const carried = told.flatMap(([, command]) => (command === null ? [] : [{ ...command, paymentState: null }]));
      const unread = told.filter(([, command]) => command === null).map(([id]) => id);
      const read = unread.length === 0 ? [] : await undeliveredCommandsIn(this.#options.ctx.db, this.#options.boxId, unread);
      this.#send([...carried, ...read].sort((a, b) => a.id - b.id));
    });
  }

  async #sendBacklog(): Promise<void> {
    let after = 0;
    for (;;) {
      if (this.#state !== 'open') return;
      const page = await undeliveredCommandsAfter(this.#options.ctx.db, this.#options.boxId, after, BACKLOG_PAGE);
      this.#send(page);
      if (page.length < BACKLOG_PAGE) return;
      after = page[page.length - 1]?.id ?? after;
    }
  }

  #send(commands: readonly UndeliveredCommand[]): void {
    const { log, boxId } = this.#options;
    for (const queued of commands) {
      if (this.#sent.has(queued.id) || this.#state !== 'open') continue;
      this.#sent.add(queued.id);
      if ('error' in queued) {
        log.error({ boxId, commandId: queued.id }, queued.error);
        continue;
      }
      if (queued.command.kind === 'startTransaction' && queued.paymentState !== null && SETTLED.has(queued.paymentState)) {
        // Settled (by hand, or refused) before the box got it: starting it now would charge a closed line.
        log.warn({ boxId, commandId: queued.id, state: queued.paymentState }, 'start command of a settled payment dropped');
        this.confirm(queued.id);
        continue;
      }
      this.#options.send({ type: 'command', commandId: queued.id, command: queued.command });
    }
  }
}
