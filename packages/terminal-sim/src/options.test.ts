import { describe, expect, it } from 'vitest';
import { SimErrorCode } from './errors.js';
import { parseBoxAddress, resolveOptions } from './options.js';

describe('parseBoxAddress', () => {
  it('reads HOST:PORT, a bare host with port 9000, and a bracketed IPv6 address', () => {
    expect(parseBoxAddress('10.0.0.5:9100')).toEqual({ host: '10.0.0.5', port: 9100 });
    expect(parseBoxAddress('iotbox.local')).toEqual({ host: 'iotbox.local', port: 9000 });
    expect(parseBoxAddress('[::1]:9000')).toEqual({ host: '::1', port: 9000 });
  });

  it('refuses a port out of range or a malformed address', () => {
    expect(() => parseBoxAddress('box:0')).toThrow(expect.objectContaining({ code: SimErrorCode.BadOption }));
    expect(() => parseBoxAddress('a:b:c')).toThrow(expect.objectContaining({ code: SimErrorCode.BadOption }));
  });
});

describe('resolveOptions', () => {
  it('fills in the documented defaults', () => {
    expect(resolveOptions({ box: 'box', terminalId: '12345678' })).toMatchObject({
      host: 'box',
      port: 9000,
      model: 'lane5000',
      scenario: 'approve',
      language: 'nl',
      protocolId: '00000100',
      stageDelayMs: 20,
      reconnectInitialMs: 200,
      reconnectMaxMs: 5000,
      manualKeys: false,
      serialNumber: '216S12345678',
      localAddress: undefined,
    });
  });

  const bad: [string, Record<string, unknown>][] = [
    ['a terminal id with a space', { terminalId: '1 2' }],
    ['an unknown model', { model: 'ipp350' }],
    ['an unknown language', { language: 'de' }],
    ['an unknown scenario', { scenario: 'dance' }],
    ['an odd protocol id', { protocolId: '100' }],
    ['a protocol id that is not 4 BCD bytes', { protocolId: '0000000100' }],
    ['a negative stage delay', { stageDelayMs: -1 }],
    ['a back-off maximum below its start', { reconnect: { initialMs: 500, maxMs: 100 } }],
    ['a serial number with a space', { serialNumber: '216S 1234' }],
    ['an empty serial number', { serialNumber: '' }],
    ['a local address that is not an IP address', { localAddress: 'my-laptop' }],
  ];
  for (const [what, change] of bad) {
    it(`refuses ${what} with SIM_BAD_OPTION`, () => {
      expect(() => resolveOptions({ box: 'box', terminalId: '12345678', ...change })).toThrow(expect.objectContaining({ code: SimErrorCode.BadOption }));
    });
  }

  it('refuses a malformed step list with SIM_BAD_SCRIPT', () => {
    expect(() => resolveOptions({ box: 'box', terminalId: '1', scenario: [{ wait: -5 } as never] })).toThrow(
      expect.objectContaining({ code: SimErrorCode.BadScript }),
    );
  });
});
