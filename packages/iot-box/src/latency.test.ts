import { describe, expect, it } from 'vitest';
import { bucketPercentile, LATENCY_BOUNDS_MS, LatencyHistogram } from './latency.js';

describe('LatencyHistogram', () => {
  it('puts each sample in the first bucket whose bound is not below it', () => {
    const h = new LatencyHistogram();
    for (const ms of [0.01, 0.05, 0.051, 1, 1.2, 4999, 6000]) h.record(ms);
    const { buckets, count } = h.reading();
    expect(count).toBe(7);
    expect(buckets[LATENCY_BOUNDS_MS.indexOf(0.05)]).toBe(2);
    expect(buckets[LATENCY_BOUNDS_MS.indexOf(0.1)]).toBe(1);
    expect(buckets[LATENCY_BOUNDS_MS.indexOf(1)]).toBe(1);
    expect(buckets[LATENCY_BOUNDS_MS.indexOf(1.5)]).toBe(1);
    expect(buckets[LATENCY_BOUNDS_MS.indexOf(5000)]).toBe(1);
    expect(buckets[LATENCY_BOUNDS_MS.length]).toBe(1);
  });

  it('reports percentiles as bucket bounds that are never below the true value, and the exact maximum', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 98; i++) h.record(0.12);
    h.record(1.7);
    h.record(3.3);
    expect(h.reading()).toMatchObject({ count: 100, p50Ms: 0.15, p99Ms: 2, maxMs: 3.3 });
  });

  it('gives the largest sample for a percentile above the last bound, and nulls without samples', () => {
    const h = new LatencyHistogram();
    expect(h.reading()).toMatchObject({ count: 0, p50Ms: null, p99Ms: null, maxMs: null });
    h.record(7000);
    expect(h.reading()).toMatchObject({ p50Ms: 7000, p99Ms: 7000, maxMs: 7000 });
  });
});

describe('bucketPercentile', () => {
  it('reads the percentiles of the time between two readings from their difference', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 50; i++) h.record(40);
    const before = h.reading().buckets;
    for (let i = 0; i < 100; i++) h.record(0.3);
    const window = h.reading().buckets.map((n, i) => n - (before[i] ?? 0));
    expect(bucketPercentile(window, 99)).toBe(0.3);
    expect(bucketPercentile(h.reading().buckets, 99)).toBe(50);
    expect(bucketPercentile([0, 0], 50)).toBeNull();
    expect(bucketPercentile([...LATENCY_BOUNDS_MS.map(() => 0), 3], 50)).toBe(Number.POSITIVE_INFINITY);
  });
});
