import { describe, expect, it } from 'vitest';
import { judgeHello, judgeIdentity } from './claims.js';
import { CONFLICT_REPORT_EVERY_MS, ConflictLog, RECENT_CONFLICTS } from './conflicts.js';

const live = { address: '10.0.0.5', serialNumber: '216S12345678' };

describe('judgeHello', () => {
  it('attaches a claimant when no terminal of that id is online', () => {
    expect(judgeHello({ live: undefined, address: '10.0.0.66' })).toEqual({ kind: 'attach' });
  });
  it('refuses a claimant from another address than the online terminal', () => {
    expect(judgeHello({ live, address: '10.0.0.66' })).toEqual({ kind: 'refuse', reason: 'otherAddress' });
  });
  it('asks a claimant from the same address for its serial number', () => {
    expect(judgeHello({ live, address: '10.0.0.5' })).toEqual({ kind: 'verify' });
  });
  it('attaches a claimant from the same address when the online terminal never named a serial number', () => {
    expect(judgeHello({ live: { ...live, serialNumber: null }, address: '10.0.0.5' })).toEqual({ kind: 'attach' });
  });
});

describe('judgeIdentity', () => {
  it('attaches the same serial number, refuses another or none in time', () => {
    expect(judgeIdentity({ live, serialNumber: '216S12345678' })).toEqual({ kind: 'attach' });
    expect(judgeIdentity({ live, serialNumber: '216S00000000' })).toEqual({ kind: 'refuse', reason: 'otherSerialNumber' });
    expect(judgeIdentity({ live, serialNumber: null })).toEqual({ kind: 'refuse', reason: 'otherSerialNumber' });
    expect(judgeIdentity({ live, serialNumber: undefined })).toEqual({ kind: 'refuse', reason: 'notIdentified' });
  });
  it('attaches whatever it says once the online terminal went away', () => {
    expect(judgeIdentity({ live: undefined, serialNumber: '999S0' })).toEqual({ kind: 'attach' });
    expect(judgeIdentity({ live: undefined, serialNumber: undefined })).toEqual({ kind: 'attach' });
  });
});

describe('ConflictLog', () => {
  const claim = { terminalId: '12345678', address: '10.0.0.66', serialNumber: null, reason: 'otherAddress' as const };

  it('counts every refusal, keeps the newest first, and reports a claimant once a minute with the attempts since', () => {
    let now = 1_000_000;
    const log = new ConflictLog(() => now);
    expect(log.record(claim)).toBe(1);
    expect(log.record(claim)).toBe(0);
    expect(log.record({ ...claim, address: '10.0.0.67' })).toBe(1);
    now += 1000;
    expect(log.record(claim)).toBe(0);
    now += CONFLICT_REPORT_EVERY_MS;
    expect(log.record(claim)).toBe(3);
    expect(log.total).toBe(5);
    expect(log.recent[0]).toMatchObject({ ...claim, at: new Date(now).toISOString() });
  });

  it('hands out the refusals held back once their minute has ended, one report per claimant with the last of them', () => {
    let now = 1_000_000;
    const log = new ConflictLog(() => now);
    expect(log.reportDueInMs(claim)).toBeNull();
    log.record(claim);
    expect(log.reportDueInMs(claim)).toBeNull();
    now += 1000;
    log.record(claim);
    log.record({ ...claim, serialNumber: '999S0', reason: 'otherSerialNumber' });
    expect(log.reportDueInMs(claim)).toBe(CONFLICT_REPORT_EVERY_MS - 1000);
    expect(log.takeDue()).toEqual([]);
    now += CONFLICT_REPORT_EVERY_MS - 1000;
    expect(log.takeDue()).toEqual([{ conflict: { ...claim, serialNumber: '999S0', reason: 'otherSerialNumber' }, attempts: 2 }]);
    expect(log.takeDue()).toEqual([]);
    expect(log.reportDueInMs(claim)).toBeNull();
    // The next refusal waits a minute from that report.
    expect(log.record(claim)).toBe(0);
    expect(log.reportDueInMs(claim)).toBe(CONFLICT_REPORT_EVERY_MS);
  });

  it(`lists at most ${RECENT_CONFLICTS} refusals`, () => {
    const log = new ConflictLog();
    for (let i = 0; i < RECENT_CONFLICTS + 5; i++) log.record({ ...claim, address: `10.0.1.${i}` });
    expect(log.recent).toHaveLength(RECENT_CONFLICTS);
    expect(log.recent[0]?.address).toBe(`10.0.1.${RECENT_CONFLICTS + 4}`);
    expect(log.total).toBe(RECENT_CONFLICTS + 5);
  });
});
