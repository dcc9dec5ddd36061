import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../logger.js';
import type { DeviceRegistry } from '../registry.js';
import { CONFLICT_REPORT_EVERY_MS } from './conflicts.js';
import type { GateOptions } from './gate.js';
import { TerminalGate } from './gate.js';
import type { TerminalSession } from './session.js';

// Terminal 12345678 is online from 127.0.0.1; the claimants dial from 127.0.0.2.
const online = { address: '127.0.0.1', closed: false };
const registry = {
  get: (terminalId: string) => (terminalId === '12345678' ? { serialNumber: '216S12345678', session: online } : undefined),
} as unknown as DeviceRegistry;

function claimant(): TerminalSession {
  return { terminalId: '12345678', address: '127.0.0.2', closed: false, close: () => undefined } as unknown as TerminalSession;
}

describe('TerminalGate', () => {
  let reports: Parameters<GateOptions['report']>[0][];
  let gate: TerminalGate;

  beforeEach(() => {
    vi.useFakeTimers({ now: Date.parse('2026-12-07T10:00:00Z') });
    reports = [];
    gate = new TerminalGate({
      registry,
      identifyTimeoutMs: 1000,
      logger: createLogger('silent'),
      attach: () => undefined,
      askIdentity: () => undefined,
      report: (conflict) => reports.push(conflict),
    });
  });

  afterEach(() => {
    gate.stop();
    vi.useRealTimers();
  });

  it('reports the refusals held back within the minute when it ends, so the reports add up to every refusal', () => {
    for (let i = 0; i < 5; i++) expect(gate.claim(claimant())).toBe(false);
    expect(reports).toEqual([{ terminalId: '12345678', address: '127.0.0.2', serialNumber: null, reason: 'otherAddress', attempts: 1 }]);

    vi.advanceTimersByTime(CONFLICT_REPORT_EVERY_MS - 1);
    expect(reports).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(reports).toHaveLength(2);
    expect(reports[1]).toEqual({ terminalId: '12345678', address: '127.0.0.2', serialNumber: null, reason: 'otherAddress', attempts: 4 });
    expect(reports.reduce((sum, r) => sum + r.attempts, 0)).toBe(gate.conflicts.total);

    // Nothing more is held back: a quiet claimant costs no further report.
    vi.advanceTimersByTime(10 * CONFLICT_REPORT_EVERY_MS);
    expect(reports).toHaveLength(2);
  });

  it('reports a claimant that dials again after its minute at once, with the refusals held back since', () => {
    gate.claim(claimant());
    gate.claim(claimant());
    vi.setSystemTime(Date.now() + CONFLICT_REPORT_EVERY_MS);
    gate.claim(claimant());
    expect(reports.map((r) => r.attempts)).toEqual([1, 2]);
    vi.advanceTimersByTime(CONFLICT_REPORT_EVERY_MS);
    expect(reports.map((r) => r.attempts)).toEqual([1, 2]);
  });

  it('reports what was held back after a report that came before its timer, at the end of the new minute', () => {
    gate.claim(claimant());
    vi.advanceTimersByTime(1000);
    gate.claim(claimant());
    // The claimant's minute ends before the timer runs: its next refusal is reported at once.
    vi.setSystemTime(Date.now() + CONFLICT_REPORT_EVERY_MS);
    gate.claim(claimant());
    gate.claim(claimant());
    expect(reports.map((r) => r.attempts)).toEqual([1, 2]);
    vi.advanceTimersByTime(2 * CONFLICT_REPORT_EVERY_MS);
    expect(reports.map((r) => r.attempts)).toEqual([1, 2, 1]);
    expect(reports.reduce((sum, r) => sum + r.attempts, 0)).toBe(gate.conflicts.total);
  });

  it('reports nothing more once stopped', () => {
    gate.claim(claimant());
    gate.claim(claimant());
    gate.stop();
    vi.advanceTimersByTime(2 * CONFLICT_REPORT_EVERY_MS);
    expect(reports.map((r) => r.attempts)).toEqual([1]);
  });
});
