import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_BOX_TERMINALS } from '@kassa/contract';
import { DeviceRegistry, helloDevices, LAST_SEEN_REPORT_EVERY_MS, lastSeenOf, lastSeenReportEvery, STATE_REPORT_EVERY_MS, type Device } from './registry.js';
import type { TerminalSession } from './terminal/session.js';

function session(terminalId: string): TerminalSession {
  return { terminalId, address: '10.0.0.7', lastFrameAt: Date.now() } as unknown as TerminalSession;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('DeviceRegistry', () => {
  it('reports a terminal that comes online, is identified and goes offline, every time', () => {
    const reports: { state: string; online: boolean; persist: boolean }[] = [];
    const registry = new DeviceRegistry((device: Device, persist) => reports.push({ state: device.state, online: device.online, persist }));
    const s = session('T1');
    registry.attach(s, 'T1');
    registry.identify('T1', 'lane5000', '216S1');
    registry.detach(s, 'gone');
    expect(reports).toEqual([
      { state: 'idle', online: true, persist: true },
      { state: 'idle', online: true, persist: true },
      { state: 'idle', online: false, persist: false },
    ]);
  });

  it('reports the last frame of a terminal that stays online once a period of its own, 15 to 30 s, and only for the session that speaks for it', () => {
    vi.useFakeTimers({ now: new Date('2026-11-25T10:00:00Z') });
    const seen: string[] = [];
    const registry = new DeviceRegistry((device) => seen.push(new Date(lastSeenOf(device)).toISOString()));
    const s = session('T1') as unknown as { lastFrameAt: number } & TerminalSession;
    registry.attach(s, 'T1');
    const frameAt = (ms: number) => {
      vi.setSystemTime(Date.parse('2026-11-25T10:00:00Z') + ms);
      s.lastFrameAt = Date.now();
      registry.seen(s);
    };
    const every = lastSeenReportEvery('T1');
    frameAt(10_000);
    frameAt(every - 1);
    expect(seen).toEqual(['2026-11-25T10:00:00.000Z']);
    frameAt(every);
    frameAt(every + 5_000);
    frameAt(2 * every + 1_000);
    const iso = (ms: number) => new Date(Date.parse('2026-11-25T10:00:00Z') + ms).toISOString();
    expect(seen).toEqual([iso(0), iso(every), iso(2 * every + 1_000)]);
    expect(registry.get('T1')?.lastSeen).toBe(Date.parse(iso(2 * every + 1_000)));
    const stale = session('T1');
    registry.seen(stale);
    expect(seen).toHaveLength(3);
  });

  it('spreads the periods of terminals over 15 to 30 s by their TerminalId', () => {
    const periods = Array.from({ length: 200 }, (_, i) => lastSeenReportEvery(String(12_345_600 + i)));
    expect(Math.min(...periods)).toBeGreaterThanOrEqual(LAST_SEEN_REPORT_EVERY_MS);
    expect(Math.max(...periods)).toBeLessThan(2 * LAST_SEEN_REPORT_EVERY_MS);
    // Spread, not bunched: 200 terminals fall in at least 8 of the 10 slices of the period.
    expect(new Set(periods.map((p) => Math.floor(((p - LAST_SEEN_REPORT_EVERY_MS) / LAST_SEEN_REPORT_EVERY_MS) * 10))).size).toBeGreaterThanOrEqual(8);
    expect(lastSeenReportEvery('12345678')).toBe(lastSeenReportEvery('12345678'));
  });

  it('reports a change of state alone at most once a minute per terminal, and always knows the current state', () => {
    vi.useFakeTimers({ now: new Date('2026-11-25T10:00:00Z') });
    const reported: string[] = [];
    const registry = new DeviceRegistry((device) => reported.push(`${device.terminalId}:${device.state}`));
    registry.attach(session('T1'), 'T1');
    registry.attach(session('T2'), 'T2');
    registry.setState('T1', 'inTransaction');
    registry.setState('T1', 'idle');
    expect(registry.get('T1')?.state).toBe('idle');
    expect(reported).toEqual(['T1:idle', 'T2:idle']);
    vi.advanceTimersByTime(STATE_REPORT_EVERY_MS);
    registry.setState('T1', 'inTransaction');
    registry.setState('T1', 'idle');
    registry.setState('T2', 'unknown');
    expect(reported).toEqual(['T1:idle', 'T2:idle', 'T1:inTransaction', 'T2:unknown']);
    expect(registry.get('T1')?.state).toBe('idle');
  });
});

describe('helloDevices', () => {
  it('lists every device up to the contract limit, and the most recently seen beyond it', () => {
    const registry = new DeviceRegistry(() => undefined);
    for (let i = 0; i < MAX_BOX_TERMINALS + 5; i++)
      registry.remember({ terminalId: `T${String(i).padStart(4, '0')}`, model: 'lane5000', serialNumber: null, address: null, lastSeen: 1000 + i });
    const listed = helloDevices(registry.list());
    expect(listed).toHaveLength(MAX_BOX_TERMINALS);
    expect(listed.map((d) => d.terminalId)).not.toContain('T0000');
    expect(listed.at(-1)?.terminalId).toBe(`T${MAX_BOX_TERMINALS + 4}`);
    expect(helloDevices(registry.list().slice(0, 3))).toHaveLength(3);
  });
});
