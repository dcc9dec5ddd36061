import { KassaError } from './errors.js';

/**
 * Terminals are approved. The Ingenico protocol has no authentication, so a terminal is known by
 * its TerminalId, its serial number (VersionInformation) and its address, as its box reports them:
 * - `new`: a TerminalId the server has never seen on that box; it takes no payment and no payment
 *   method may choose it until an admin approves it;
 * - `approved`: an admin approved it; its serial number and address then are the approved ones;
 * - `quarantined`: it was approved and came back with another serial number or address (a swapped
 *   or repaired terminal, or an impostor while the real one was away); it takes no payment until
 *   an admin approves the change.
 * Apart from its approval, a TerminalId reported by two boxes at once is a conflict: payments to
 * it are refused until one of the two is removed (or its box revoked).
 */
export const DEVICE_APPROVALS = ['new', 'approved', 'quarantined'] as const;
export type DeviceApproval = (typeof DEVICE_APPROVALS)[number];

export interface ApprovalState {
  readonly approval: DeviceApproval;
  readonly approvedSerialNumber: string | null;
  readonly approvedAddress: string | null;
}

/**
 * What a box's report does to a device's approval. A report names the serial number and address
 * the box knows, or null for what it does not know yet (nothing to compare). An approved device
 * whose approved value is not known yet (approved before it was reported, or before approval
 * existed) takes the reported one as approved; one whose reported value differs from its approved
 * one is quarantined. `new` and `quarantined` stay as they are until an admin acts.
 *
 * The device upsert (repos/devices.ts) computes the same in SQL, for a whole batch in one
 * statement; a test holds the two to the same table of cases.
 */
export function approvalAfterReport({
  device,
  reported,
}: {
  device: ApprovalState;
  reported: { serialNumber: string | null; address: string | null };
}): ApprovalState {
  if (device.approval !== 'approved') return device;
  const differs = (approved: string | null, seen: string | null): boolean => approved !== null && seen !== null && approved !== seen;
  if (differs(device.approvedSerialNumber, reported.serialNumber) || differs(device.approvedAddress, reported.address)) {
    return { ...device, approval: 'quarantined' };
  }
  return {
    approval: 'approved',
    approvedSerialNumber: device.approvedSerialNumber ?? reported.serialNumber,
    approvedAddress: device.approvedAddress ?? reported.address,
  };
}

/** What a payment to a device, or a payment method choosing it, needs to know of it. */
export interface DeviceTrust {
  readonly id: number;
  readonly terminalId: string;
  readonly approval: DeviceApproval;
  /** Other devices (on other boxes) reported with the same TerminalId. */
  readonly sharedWith: readonly number[];
}

/** A payment method may choose only an approved device (`field` names the body field, for the error). */
export function checkDeviceChoosable(device: DeviceTrust, field: string): void {
  if (device.approval === 'approved') return;
  const why =
    device.approval === 'new'
      ? `is new and waits for an admin's approval (Devices → Approve)`
      : `is quarantined: it came back with another serial number or address, and an admin must approve the change`;
  throw new KassaError('KASSA_DEVICE_NOT_APPROVED', `${field}: device ${device.id} (terminal ${device.terminalId}) ${why}.`, {
    field,
    deviceId: device.id,
    approval: device.approval,
  });
}

/** A payment may go only to an approved device that no other box reports too. */
export function checkDeviceTrusted(device: DeviceTrust): void {
  if (device.approval === 'new') {
    throw new KassaError('KASSA_DEVICE_NOT_APPROVED', `Terminal ${device.terminalId} waits for an admin's approval; it takes no payment yet.`, {
      deviceId: device.id,
      approval: device.approval,
    });
  }
  if (device.approval === 'quarantined') {
    throw new KassaError('KASSA_DEVICE_QUARANTINED', undefined, { deviceId: device.id, terminalId: device.terminalId });
  }
  if (device.sharedWith.length > 0) {
    throw new KassaError('KASSA_DEVICE_DUPLICATE', undefined, { deviceId: device.id, terminalId: device.terminalId, otherDeviceIds: [...device.sharedWith] });
  }
}
