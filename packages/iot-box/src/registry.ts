import { MAX_BOX_TERMINALS, type DeviceReport, type TerminalModel, type TerminalState } from '@kassa/contract';
import type { TerminalSession } from './terminal/session.js';

/** What the box knows of one terminal it has seen. */
export interface Device {
  readonly terminalId: string;
  model: TerminalModel;
  serialNumber: string | null;
  address: string | null;
  online: boolean;
  /** Epoch ms of the last frame (or, for a device known from the journal, of its last record). */
  lastSeen: number;
  state: TerminalState;
  session: TerminalSession | undefined;
  /** Why its last connection closed, for /status. */
  lastCloseReason: string | null;
  /** Epoch ms of the last report to the listener (0: never). */
  reportedAt: number;
}

/**
 * A change of state alone (idle, in transaction, unknown) is reported at most this often per
 * terminal: the server keeps no such state (it follows each payment's own events), so the report
 * only refreshes the terminal's last-seen time there (which LAST_SEEN_REPORT_EVERY_MS refreshes anyway). The
 * box's own registry and /status always have the current state, and every other report carries it.
 */
export const STATE_REPORT_EVERY_MS = 60_000;

/**
 * A terminal that stays online is reported again, for its last frame, after this long at least:
 * the server's "last seen" is the time of a frame received (to the millisecond), never more than
 * lastSeenReportEvery behind while the terminal talks (keep-alives included), without a report per
 * frame. Each report is one small row write on the server (which stores a last-seen that moved by
 * DEVICE_LAST_SEEN_PRECISION_MS, 10 s, or more: each of these reports).
 */
export const LAST_SEEN_REPORT_EVERY_MS = 15_000;

/**
 * Each terminal's own period: LAST_SEEN_REPORT_EVERY_MS plus up to as much again, fixed by its
 * TerminalId. Terminals that connected together (after a box restart, a power cut) then report
 * spread over the period instead of all in one batch every 15 s, which showed as a tail on every
 * payment running at that moment.
 */
export function lastSeenReportEvery(terminalId: string): number {
  // FNV-1a, then a final mix, so that TerminalIds one apart (12345678, 12345679) land far apart.
  let hash = 0x811c9dc5;
  for (let i = 0; i < terminalId.length; i++) hash = Math.imul(hash ^ terminalId.charCodeAt(i), 0x01000193);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  hash = (hash ^ (hash >>> 16)) >>> 0;
  return LAST_SEEN_REPORT_EVERY_MS + (hash % LAST_SEEN_REPORT_EVERY_MS);
}

/** `persist` is true when a field worth keeping across restarts (model, serial, address) changed. */
export type DeviceListener = (device: Device, persist: boolean) => void;

/** Every terminal the box has seen, online or not, with the session that currently speaks for it. */
export class DeviceRegistry {
  private readonly devices = new Map<string, Device>();

  constructor(private readonly onChange: DeviceListener) {}

  get(terminalId: string): Device | undefined {
    return this.devices.get(terminalId);
  }

  list(): Device[] {
    return [...this.devices.values()].sort((a, b) => (a.terminalId < b.terminalId ? -1 : a.terminalId > b.terminalId ? 1 : 0));
  }

  get size(): number {
    return this.devices.size;
  }

  /** A device remembered from the journal: offline until it connects. */
  remember(known: { terminalId: string; model: TerminalModel; serialNumber: string | null; address: string | null; lastSeen: number }): Device {
    const device: Device = { ...known, online: false, state: 'idle', session: undefined, lastCloseReason: null, reportedAt: 0 };
    this.devices.set(known.terminalId, device);
    return device;
  }

  /**
   * The session has said Hello: it now speaks for its terminal. Returns the session it replaces,
   * which the caller closes.
   */
  attach(session: TerminalSession, terminalId: string): { device: Device; replaced: TerminalSession | undefined } {
    let device = this.devices.get(terminalId);
    let persist = false;
    if (!device) {
      device = {
        terminalId,
        model: 'unknown',
        serialNumber: null,
        address: null,
        online: false,
        lastSeen: Date.now(),
        state: 'idle',
        session: undefined,
        lastCloseReason: null,
        reportedAt: 0,
      };
      this.devices.set(terminalId, device);
      persist = true;
    }
    const replaced = device.session;
    device.session = session;
    if (device.address !== session.address) persist = true;
    device.address = session.address;
    device.online = true;
    device.lastSeen = Date.now();
    this.report(device, persist);
    return { device, replaced };
  }

  /** The session closed; true when it was the one speaking for the terminal (not an already replaced one). */
  detach(session: TerminalSession, reason: string): boolean {
    const terminalId = session.terminalId;
    if (terminalId === undefined) return false;
    const device = this.devices.get(terminalId);
    if (!device || device.session !== session) return false;
    device.session = undefined;
    device.online = false;
    device.lastSeen = session.lastFrameAt;
    device.lastCloseReason = reason;
    this.report(device, false);
    return true;
  }

  identify(terminalId: string, model: TerminalModel, serialNumber: string | null): void {
    const device = this.devices.get(terminalId);
    if (!device) return;
    const nextModel = model === 'unknown' ? device.model : model;
    const nextSerial = serialNumber ?? device.serialNumber;
    if (nextModel === device.model && nextSerial === device.serialNumber) return;
    device.model = nextModel;
    device.serialNumber = nextSerial;
    this.report(device, true);
  }

  setState(terminalId: string, state: TerminalState): void {
    const device = this.devices.get(terminalId);
    if (!device || device.state === state) return;
    device.state = state;
    if (Date.now() - device.reportedAt >= STATE_REPORT_EVERY_MS) this.report(device, false);
  }

  /** A frame arrived on the session that speaks for its terminal: reported when the last report is old enough. */
  seen(session: TerminalSession): void {
    const device = session.terminalId === undefined ? undefined : this.devices.get(session.terminalId);
    if (!device || device.session !== session) return;
    device.lastSeen = session.lastFrameAt;
    if (session.lastFrameAt - device.reportedAt >= lastSeenReportEvery(device.terminalId)) this.report(device, false);
  }

  private report(device: Device, persist: boolean): void {
    device.reportedAt = Date.now();
    this.onChange(device, persist);
  }
}

/**
 * The devices a hello lists: all of them, or the MAX_BOX_TERMINALS most recently seen when the box
 * knows more (the contract refuses a longer hello), in TerminalId order.
 */
export function helloDevices(devices: readonly Device[]): Device[] {
  if (devices.length <= MAX_BOX_TERMINALS) return [...devices];
  const recent = [...devices].sort((a, b) => b.lastSeen - a.lastSeen).slice(0, MAX_BOX_TERMINALS);
  return recent.sort((a, b) => (a.terminalId < b.terminalId ? -1 : a.terminalId > b.terminalId ? 1 : 0));
}

export function deviceReport(device: Device): DeviceReport {
  return {
    terminalId: device.terminalId,
    model: device.model,
    serialNumber: device.serialNumber,
    address: device.address === null ? null : device.address.slice(0, 64),
    online: device.online,
    lastSeen: new Date(lastSeenOf(device)).toISOString(),
    state: device.state,
  };
}

/** An online device was last seen at its session's last frame. */
export function lastSeenOf(device: Device): number {
  return device.session ? device.session.lastFrameAt : device.lastSeen;
}
