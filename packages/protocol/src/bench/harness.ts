/**
 * The machine the bench runs on is shared, so time is measured as the CPU time
 * of this process (user + system), not wall time: a run that waits for a core
 * is not counted as slow. Run with --single-threaded-gc so that garbage
 * collection is done, and counted, on the same core.
 */
function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** Runs `op` (which does `batch` operations per call) for about `ms` ms of CPU time; returns operations per CPU-second. */
export function measureOnce(op: () => void, batch: number, ms: number): number {
  let calls = 0;
  const start = cpuMicros();
  const deadline = start + ms * 1000;
  let now = start;
  do {
    for (let i = 0; i < 64; i++) op();
    calls += 64;
    now = cpuMicros();
  } while (now < deadline);
  return (calls * batch) / ((now - start) / 1e6);
}

export interface Measurement {
  readonly median: number;
  readonly runs: readonly number[];
}

/** Warms up, then measures `runs` times; the median is the figure reported. */
export function measure(op: () => void, options: { batch?: number; runs?: number; ms?: number } = {}): Measurement {
  const batch = options.batch ?? 1;
  const ms = options.ms ?? 300;
  measureOnce(op, batch, ms);
  const runs: number[] = [];
  for (let i = 0; i < (options.runs ?? 7); i++) runs.push(measureOnce(op, batch, ms));
  return summary(runs);
}

/**
 * Measures two operations in alternation and returns the median of their
 * per-pair ratio a/b: a comparison that the machine's load swings affect alike.
 */
export function compare(
  a: () => void,
  b: () => void,
  options: { batch?: number; runs?: number; ms?: number } = {},
): { a: Measurement; b: Measurement; ratio: Measurement } {
  const batch = options.batch ?? 1;
  const ms = options.ms ?? 300;
  measureOnce(a, batch, ms);
  measureOnce(b, batch, ms);
  const ra: number[] = [];
  const rb: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < (options.runs ?? 7); i++) {
    ra.push(measureOnce(a, batch, ms));
    rb.push(measureOnce(b, batch, ms));
    ratios.push(ra[i]! / rb[i]!);
  }
  return { a: summary(ra), b: summary(rb), ratio: summary(ratios) };
}

function summary(runs: number[]): Measurement {
  const sorted = [...runs].sort((x, y) => x - y);
  return { median: sorted[Math.floor(sorted.length / 2)]!, runs };
}
