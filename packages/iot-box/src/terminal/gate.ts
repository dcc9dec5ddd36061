import type { TerminalConflictReason } from '@kassa/contract';
import { SessionCloseReason } from '../errors.js';
import type { Logger } from '../logger.js';
import type { DeviceRegistry } from '../registry.js';
import { judgeHello, judgeIdentity, type LiveTerminal, type Verdict } from './claims.js';
import { claimantKey, ConflictLog } from './conflicts.js';
import type { TerminalIdentity } from './model.js';
import type { TerminalSession } from './session.js';

export interface GateOptions {
  readonly registry: DeviceRegistry;
  /** How long a claimant of an online terminal's id has to answer VersionInformation. */
  readonly identifyTimeoutMs: number;
  readonly logger: Logger;
  /** The session now speaks for its terminal (with its identity when the gate already asked for it). */
  attach(session: TerminalSession, identity: TerminalIdentity | undefined): void;
  /** Asks the session for VersionInformation. */
  askIdentity(session: TerminalSession): void;
  /** Refusals to report to the server (at most one report per claimant a minute). */
  report(conflict: { terminalId: string; address: string; serialNumber: string | null; reason: TerminalConflictReason; attempts: number }): void;
}

/**
 * Decides, at each Hello, whether the new connection may speak for its TerminalId (see claims.ts),
 * holds the claimants that must first show their serial number, and refuses the others: closed,
 * logged, counted and reported. A claimant on hold is answered (Hello, keep-alives) but speaks for
 * nothing: its other messages are ignored and nothing is sent to it but VersionInformationRequest.
 */
export class TerminalGate {
  readonly conflicts = new ConflictLog();
  private readonly onHold = new Map<TerminalSession, NodeJS.Timeout>();
  /** Per claimant with refusals held back: the timer that reports them when their minute ends. */
  private readonly pendingReports = new Map<string, NodeJS.Timeout>();

  constructor(private readonly options: GateOptions) {}

  /** At the first Hello, before it is answered: false when refused (the session is closed). */
  claim(session: TerminalSession): boolean {
    const verdict = judgeHello({ live: this.liveOf(session.terminalId!), address: session.address });
    if (verdict.kind === 'refuse') {
      this.refuse(session, verdict.reason, null);
      return false;
    }
    if (verdict.kind === 'verify') {
      const timer = setTimeout(
        () => this.decide(session, judgeIdentity({ live: this.liveOf(session.terminalId!), serialNumber: undefined }), undefined),
        this.options.identifyTimeoutMs,
      );
      timer.unref();
      this.onHold.set(session, timer);
    }
    return true;
  }

  /** After the HelloResponse: a claimant on hold is asked who it is; any other session is attached. */
  greeted(session: TerminalSession): void {
    if (this.onHold.has(session)) this.options.askIdentity(session);
    else this.options.attach(session, undefined);
  }

  /** True when the session is on hold: its message was for the gate (or ignored). */
  intercept(session: TerminalSession, message: { type: string }, identity: () => TerminalIdentity): boolean {
    if (!this.onHold.has(session)) return false;
    if (message.type === 'VersionInformationResponse') {
      const known = identity();
      this.decide(session, judgeIdentity({ live: this.liveOf(session.terminalId!), serialNumber: known.serialNumber }), known);
    } else {
      this.options.logger.debug(
        { terminalId: session.terminalId, address: session.address, type: message.type },
        'message of a connection not yet identified ignored',
      );
    }
    return true;
  }

  /** The session closed: a claimant on hold is forgotten. */
  closed(session: TerminalSession): void {
    clearTimeout(this.onHold.get(session));
    this.onHold.delete(session);
  }

  stop(): void {
    for (const timer of [...this.onHold.values(), ...this.pendingReports.values()]) clearTimeout(timer);
    this.onHold.clear();
    this.pendingReports.clear();
  }

  private decide(session: TerminalSession, verdict: Verdict, identity: TerminalIdentity | undefined): void {
    if (!this.onHold.has(session) || session.closed) return;
    this.closed(session);
    if (verdict.kind === 'refuse') this.refuse(session, verdict.reason, identity?.serialNumber ?? null);
    else this.options.attach(session, identity);
  }

  private liveOf(terminalId: string): LiveTerminal | undefined {
    const device = this.options.registry.get(terminalId);
    const live = device?.session;
    if (device === undefined || live === undefined || live.closed) return undefined;
    return { address: live.address, serialNumber: device.serialNumber };
  }

  private refuse(session: TerminalSession, reason: TerminalConflictReason, serialNumber: string | null): void {
    const terminalId = session.terminalId!;
    const conflict = { terminalId, address: session.address, serialNumber, reason };
    const attempts = this.conflicts.record(conflict);
    this.options.logger.warn({ ...conflict, refusedSoFar: this.conflicts.total }, 'a connection claimed the TerminalId of an online terminal: refused');
    session.close(SessionCloseReason.TerminalConflict, `TerminalId ${terminalId} is online from another connection (${reason})`);
    if (attempts > 0) this.options.report({ ...conflict, attempts });
    else this.reportLater(conflict);
  }

  /** Refusals held back are reported when the claimant's minute ends, whether or not it dials again. */
  private reportLater(claim: { terminalId: string; address: string }): void {
    const key = claimantKey(claim);
    const dueInMs = this.conflicts.reportDueInMs(claim);
    if (this.pendingReports.has(key) || dueInMs === null) return;
    const timer = setTimeout(() => {
      this.pendingReports.delete(key);
      for (const { conflict, attempts } of this.conflicts.takeDue()) this.options.report({ ...conflict, attempts });
      // A refusal reported meanwhile started a new minute: what was held back since waits for its end.
      this.reportLater(claim);
    }, dueInMs);
    timer.unref();
    this.pendingReports.set(key, timer);
  }
}
