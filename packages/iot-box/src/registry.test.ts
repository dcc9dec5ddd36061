import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeviceRegistry, STATE_REPORT_EVERY_MS, type Device } from './registry.js';
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
