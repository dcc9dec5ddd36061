import { afterEach, describe, expect, it } from 'vitest';
import { SimErrorCode } from './errors.js';
import { fleetTerminalIds, startFleet, type FleetHandle } from './fleet.js';
import { MiniBox } from './test-support/mini-box.js';
import { waitUntil } from './test-support/wait.js';

describe('fleetTerminalIds', () => {
  it('counts up the trailing number and keeps its width', () => {
    expect(fleetTerminalIds('12345678', 3)).toEqual(['12345678', '12345679', '12345680']);
    expect(fleetTerminalIds('T0098', 3)).toEqual(['T0098', 'T0099', 'T0100']);
    expect(fleetTerminalIds('99', 2)).toEqual(['99', '100']);
  });

  it('appends -1, -2, … to an id without a trailing number', () => {
    expect(fleetTerminalIds('shop', 3)).toEqual(['shop', 'shop-1', 'shop-2']);
  });

  it('refuses a count out of range', () => {
    expect(() => fleetTerminalIds('1', 0)).toThrow(expect.objectContaining({ code: SimErrorCode.BadOption }));
    expect(() => fleetTerminalIds('1', 10_001)).toThrow(expect.objectContaining({ code: SimErrorCode.BadOption }));
  });
});

describe('a fleet', () => {
  let box: MiniBox | undefined;
  let fleet: FleetHandle | undefined;
  afterEach(async () => {
    await fleet?.close();
    await box?.close();
  });

  it('of 100 terminals connects, says hello and keeps alive, each on its own socket', async () => {
    box = await MiniBox.start();
    fleet = startFleet({ box: box.address, terminalId: '20000000', count: 100, keepAliveIntervalMs: 50, keepAliveTimeoutMs: 10_000 });
    await fleet.ready();
    expect(fleet.terminals.every((t) => t.isConnected)).toBe(true);
    const sessions = box.sessions;
    expect(new Set(sessions.map((s) => s.terminalId)).size).toBe(100);
    expect(sessions.map((s) => s.terminalId).sort()[99]).toBe('20000099');
    await waitUntil(() => sessions.every((s) => s.received.filter((m) => m.type === 'KeepAliveRequest').length >= 2), 'two keep-alives from each');
    expect(sessions.every((s) => !s.closed)).toBe(true);
  });

  it('closes every terminal with a ByeRequest', async () => {
    box = await MiniBox.start();
    const ships = startFleet({ box: box.address, terminalId: '30000000', count: 5 });
    await ships.ready();
    await ships.close();
    expect(box.sessions.every((s) => s.received.some((m) => m.type === 'ByeRequest'))).toBe(true);
  });
});
