/**
 * The box's own latency, from a terminal frame's arrival (the socket read that brought it) to
 * what the box sends because of it: the answer to the terminal, or the event to the server.
 * Kept as fixed buckets since start, so that a reader can subtract two readings and get the
 * figures of the time between them.
 */

/** Upper bounds of the buckets, in ms; the last bucket takes everything above. */
export const LATENCY_BOUNDS_MS: readonly number[] = [
  0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 4, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000, 2000, 5000,
];

export interface LatencyReading {
  readonly count: number;
  /** Percentiles as the upper bound of the bucket they fall in (never below the true value); null without samples. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
  /** Samples per bucket, in the order of LATENCY_BOUNDS_MS, then the samples above the last bound. */
  readonly buckets: readonly number[];
}

export class LatencyHistogram {
  private readonly counts: number[] = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
  private total = 0;
  private max = 0;

  record(ms: number): void {
    let low = 0;
    let high = LATENCY_BOUNDS_MS.length;
    // The first bound not below the sample (binary search over 29 bounds).
    while (low < high) {
      const mid = (low + high) >> 1;
      if (ms <= LATENCY_BOUNDS_MS[mid]!) high = mid;
      else low = mid + 1;
    }
    this.counts[low]!++;
    this.total++;
    if (ms > this.max) this.max = ms;
  }

  reading(): LatencyReading {
    return {
      count: this.total,
      p50Ms: this.percentile(50),
      p99Ms: this.percentile(99),
      maxMs: this.total === 0 ? null : this.roundedMax(),
      buckets: [...this.counts],
    };
  }

  /** Above the last bound, the largest sample stands in for the bound. */
  private percentile(percentile: number): number | null {
    const bound = bucketPercentile(this.counts, percentile);
    return bound === Number.POSITIVE_INFINITY ? this.roundedMax() : bound;
  }

  private roundedMax(): number {
    return Math.round(this.max * 1000) / 1000;
  }
}

/**
 * The upper bound of the bucket where the given percentile of the samples falls; for the samples
 * above the last bound, that bound is reported as exceeded by returning Infinity. Null for no samples.
 */
export function bucketPercentile(buckets: readonly number[], percentile: number): number | null {
  const total = buckets.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const rank = Math.ceil((percentile / 100) * total);
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i]!;
    if (seen >= rank) return LATENCY_BOUNDS_MS[i] ?? Number.POSITIVE_INFINITY;
  }
  return Number.POSITIVE_INFINITY;
}

/**
 * Latency of the whole box. A terminal session marks the arrival of the bytes it is handling
 * (`frameAt`, from the socket read to the end of their handling); what is sent meanwhile, directly
 * or through the outbox, is timed from there.
 */
export class BoxLatency {
  /** A frame in → the answer written to its terminal (KeepAliveResponse, …). */
  readonly answer = new LatencyHistogram();
  /** A frame in → the event it caused written to the server link (stages, messages). */
  readonly event = new LatencyHistogram();
  /** The same for events that are journaled (written and synced) before they leave (results). */
  readonly journaledEvent = new LatencyHistogram();
  /** performance.now() of the socket read being handled; undefined outside one. */
  frameAt: number | undefined;

  reading(): BoxLatencyReading {
    return { answer: this.answer.reading(), event: this.event.reading(), journaledEvent: this.journaledEvent.reading() };
  }
}

export interface BoxLatencyReading {
  readonly answer: LatencyReading;
  readonly event: LatencyReading;
  readonly journaledEvent: LatencyReading;
}
