import { describe, expect, it } from 'vitest';
import type { ApprovalState } from './device-approval.js';
import { approvalAfterReport, checkDeviceChoosable } from './device-approval.js';
import { KassaError } from './errors.js';

const approved: ApprovalState = { approval: 'approved', approvedSerialNumber: '216S12345678', approvedAddress: '192.168.1.40' };
const same = { serialNumber: '216S12345678', address: '192.168.1.40' };

describe('approvalAfterReport', () => {
  it('keeps an approved terminal approved while it comes back the same, or reports what it does not know', () => {
    expect(approvalAfterReport({ device: approved, reported: same })).toEqual(approved);
    expect(approvalAfterReport({ device: approved, reported: { serialNumber: null, address: null } })).toEqual(approved);
  });

  it('quarantines an approved terminal with another serial number or another address', () => {
    expect(approvalAfterReport({ device: approved, reported: { ...same, serialNumber: '216S00000000' } }).approval).toBe('quarantined');
    expect(approvalAfterReport({ device: approved, reported: { ...same, address: '192.168.1.66' } }).approval).toBe('quarantined');
  });

  it('takes the first reported values of a terminal approved before they were known', () => {
    const unknown: ApprovalState = { approval: 'approved', approvedSerialNumber: null, approvedAddress: null };
    expect(approvalAfterReport({ device: unknown, reported: same })).toEqual(approved);
  });

  it('leaves new and quarantined terminals for the admin, even when they come back as approved', () => {
    expect(approvalAfterReport({ device: { ...approved, approval: 'quarantined' }, reported: same }).approval).toBe('quarantined');
    expect(approvalAfterReport({ device: { approval: 'new', approvedSerialNumber: null, approvedAddress: null }, reported: same })).toEqual({
      approval: 'new',
      approvedSerialNumber: null,
      approvedAddress: null,
    });
  });
});

describe('checkDeviceChoosable', () => {
  it('names the field and the approval in its refusal', () => {
    let error: unknown;
    try {
      checkDeviceChoosable({ id: 4, terminalId: 'T4', approval: 'quarantined', sharedWith: [] }, 'deviceId');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(KassaError);
    expect(error).toMatchObject({
      code: 'KASSA_DEVICE_NOT_APPROVED',
      message: expect.stringMatching(/^deviceId: device 4 \(terminal T4\) is quarantined/),
      details: { field: 'deviceId', approval: 'quarantined' },
    });
  });
});
