import type { TerminalModel, TerminalState } from '@kassa/contract';
import type { BoxLatencyReading } from '../latency.js';
import type { TerminalConflict } from '../terminal/conflicts.js';
import type { TransactionView } from '../transactions/manager.js';

/** The JSON of GET /status. */
export interface BoxStatus {
  readonly boxId: string;
  readonly software: string;
  readonly version: string;
  readonly startedAt: string;
  readonly uptimeSeconds: number;
  readonly listen: string;
  readonly server: {
    readonly configured: boolean;
    /** `none` when no server is configured; otherwise the uplink state. */
    readonly state: 'none' | 'connecting' | 'open' | 'ready' | 'waiting' | 'stopped';
    readonly url: string | null;
    readonly connectedSince: string | null;
    readonly lastError: string | null;
    readonly pendingEvents: number;
  };
  /** Event-loop delay since start (10 ms resolution): high values mean the box cannot keep up. */
  readonly eventLoopDelayMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Frame in → answer or event out, since start (see latency.ts). */
  readonly latency: BoxLatencyReading;
  readonly journal: {
    readonly path: string;
    readonly records: number;
    readonly syncs: number;
    readonly lastSyncMs: number;
    readonly compactions: number;
    readonly lastCompactionMs: number;
    readonly lastCompactionPauseMs: number;
    readonly lastCompactionHoldMs: number;
  };
  /** Connections refused because they claimed the TerminalId of an online terminal: how many since start, the newest first. */
  readonly terminalConflicts: { readonly total: number; readonly recent: readonly TerminalConflict[] };
  readonly terminals: readonly TerminalStatus[];
}

export interface TerminalStatus {
  readonly terminalId: string;
  readonly model: TerminalModel;
  readonly serialNumber: string | null;
  readonly address: string | null;
  readonly online: boolean;
  readonly state: TerminalState;
  readonly lastSeen: string;
  readonly lastCloseReason: string | null;
  readonly transaction: TransactionView | null;
}
