import { pruneSeenBoxEvents, pruneUnmatchedBoxEvents } from '../repos/seen-events.js';
import type { ServiceContext } from '../services/context.js';
import type { UplinkLogger } from './logger.js';

export interface SeenRetentionOptions {
  /**
   * How long the id of an applied box event is kept. A box sends an event again only until it is
   * acknowledged, so the window only has to outlast the longest a box can stay away with an
   * event it sent but whose acknowledgement it never got.
   */
  readonly retentionMs: number;
  /** How often this process prunes. */
  readonly everyMs: number;
  /** Rows per DELETE: short statements that never hold many locks for long. */
  readonly batchSize: number;
}

export const DEFAULT_SEEN_RETENTION: SeenRetentionOptions = { retentionMs: 30 * 24 * 60 * 60 * 1000, everyMs: 10 * 60 * 1000, batchSize: 1000 };

export interface SeenRetention {
  /** Deletes every id and unmatched event older than the window, batch by batch; returns how many went. */
  prune(): Promise<number>;
  /** Stops the timer and waits for a prune in progress. */
  stop(): Promise<void>;
}

/**
 * Keeps what the uplink records of box events bounded: every `everyMs`, the ids of applied events
 * (`box_events_seen`) and the events that named no payment of their box (`box_unmatched_events`)
 * older than the window are deleted. A hostile or broken box can send any number of the latter;
 * they are kept as long as the ids, for inspection, and no longer.
 */
export function startSeenRetention(ctx: ServiceContext, log: UplinkLogger, options: SeenRetentionOptions = DEFAULT_SEEN_RETENTION): SeenRetention {
  let running: Promise<number> | null = null;
  const prune = (): Promise<number> => {
    running ??= (async () => {
      const before = new Date(ctx.now().getTime() - options.retentionMs);
      let total = 0;
      for (const prune of [pruneSeenBoxEvents, pruneUnmatchedBoxEvents]) {
        for (;;) {
          const deleted = await prune(ctx.db, before, options.batchSize);
          total += deleted;
          if (deleted < options.batchSize) break;
        }
      }
      return total;
    })().finally(() => {
      running = null;
    });
    return running;
  };
  const timer = setInterval(() => {
    prune().then(
      (deleted) => {
        if (deleted > 0) log.info({ deleted }, 'old box event ids and unmatched events pruned');
      },
      (error: unknown) => log.warn({ err: error }, 'box event ids could not be pruned'),
    );
  }, options.everyMs);
  timer.unref();
  return {
    prune,
    stop: async () => {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
