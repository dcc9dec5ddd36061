import { describe, expect, it } from 'vitest';
import type { CpuReading } from './cpu.js';
import { cpuTimes, perPayment } from './cpu.js';

const reading = (postgres: [string, number][], own = 0): CpuReading => ({ server: own, box: own, terminals: own, postgres: new Map(postgres) });

describe('the bench CPU readings', () => {
  it('divides what each part spent between two readings by the payments', () => {
    expect(perPayment(reading([['10', 100]], 50), reading([['10', 400]], 250), 100)).toEqual({ server: 2, box: 2, terminals: 2, postgres: 3 });
  });

  it('counts a PostgreSQL process that started meanwhile from zero and never lets one that ended make it negative', () => {
    const spent = perPayment(
      reading([
        ['10', 5000],
        ['11', 100],
      ]),
      reading([
        ['11', 300],
        ['12', 200],
      ]),
      100,
    );
    expect(spent.postgres).toBe(4);
  });

  it('reads this process and a child of its own from the system', () => {
    const now = cpuTimes({ box: process.pid, terminals: process.pid });
    if (process.platform !== 'linux') {
      expect(now).toBeNull();
      return;
    }
    expect(now?.box).toBeGreaterThanOrEqual(0);
    expect(now?.server).toBeGreaterThan(0);
    expect(cpuTimes({ box: undefined, terminals: process.pid })).toBeNull();
  });
});
