import { pruneSeenBoxEvents } from '../repos/seen-events.js';
import type { ServiceContext } from '../services/context.js';
import type { UplinkLogger } from './link.js';

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
  /** Deletes every id older than the window, batch by batch; returns how many went. */
  prune(): Promise<number>;
  /** Stops the timer and waits for a prune in progress. */
  stop(): Promise<void>;
}

/** Keeps `box_events_seen` bounded: every `everyMs`, ids older than the window are deleted. */
export function startSeenRetention(ctx: ServiceContext, log: UplinkLogger, options: SeenRetentionOptions = DEFAULT_SEEN_RETENTION): SeenRetention {
  let running: Promise<number> | null = null;
  const prune = (): Promise<number> => {
    running ??= (async () => {
      const before = new Date(ctx.now().getTime() - options.retentionMs);
      let total = 0;
      for (;;) {
        const deleted = await pruneSeenBoxEvents(ctx.db, before, options.batchSize);
        total += deleted;
        if (deleted < options.batchSize) return total;
      }
    })().finally(() => {
      running = null;
    });
    return running;
  };
  const timer = setInterval(() => {
    prune().then(
      (deleted) => {
        if (deleted > 0) log.info({ deleted }, 'old box event ids pruned');
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
