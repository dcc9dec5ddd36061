import type { TerminalConflictReason } from '@kassa/contract';

/** One refused claim of an online terminal's TerminalId, as /status shows it. */
export interface TerminalConflict {
  readonly terminalId: string;
  readonly address: string;
  readonly serialNumber: string | null;
  readonly reason: TerminalConflictReason;
  readonly at: string;
}

/** How many refused claims /status lists (the newest first); the total counts them all. */
export const RECENT_CONFLICTS = 20;
/** A claimant (TerminalId and address) is reported to the server at most once in this time. */
export const CONFLICT_REPORT_EVERY_MS = 60_000;
/** Claimants remembered for the report rate; beyond this the oldest are forgotten. */
const MAX_CLAIMANTS = 1_000;

/** Refusals of one claimant that a report to the server stands for, with the last of them. */
export interface ConflictReport {
  readonly conflict: Omit<TerminalConflict, 'at'>;
  readonly attempts: number;
}

/**
 * The refused claims: counted, the last few kept for /status, and reported to the server at most
 * once a minute per claimant, with the number of refusals the report stands for. A process that
 * keeps dialling is refused every time but costs one event a minute, not one per attempt. Refusals
 * held back within the minute are reported when it ends (`takeDue`), so the reports add up to
 * every refusal even when the claimant stops dialling.
 */
export class ConflictLog {
  total = 0;
  private readonly recentList: TerminalConflict[] = [];
  /** Per claimant: when it was last reported and the refusals since. */
  private readonly claimants = new Map<string, { reportedAt: number; unreported: number; last: Omit<TerminalConflict, 'at'> }>();

  constructor(private readonly now: () => number = Date.now) {}

  get recent(): readonly TerminalConflict[] {
    return this.recentList;
  }

  /** Records one refusal; returns the number of attempts to report now, or 0 when it waits for the next report. */
  record(conflict: Omit<TerminalConflict, 'at'>): number {
    const now = this.now();
    this.total++;
    this.recentList.unshift({ ...conflict, at: new Date(now).toISOString() });
    if (this.recentList.length > RECENT_CONFLICTS) this.recentList.pop();
    const key = claimantKey(conflict);
    const claimant = this.claimants.get(key);
    if (claimant !== undefined && now - claimant.reportedAt < CONFLICT_REPORT_EVERY_MS) {
      claimant.unreported++;
      claimant.last = conflict;
      return 0;
    }
    const attempts = (claimant?.unreported ?? 0) + 1;
    this.claimants.delete(key);
    this.claimants.set(key, { reportedAt: now, unreported: 0, last: conflict });
    if (this.claimants.size > MAX_CLAIMANTS) this.claimants.delete(this.claimants.keys().next().value!);
    return attempts;
  }

  /** In how many ms the refusals of this claimant held back so far may be reported; null when none is held back. */
  reportDueInMs(claim: Pick<TerminalConflict, 'terminalId' | 'address'>): number | null {
    const claimant = this.claimants.get(claimantKey(claim));
    if (claimant === undefined || claimant.unreported === 0) return null;
    return Math.max(0, claimant.reportedAt + CONFLICT_REPORT_EVERY_MS - this.now());
  }

  /** The refusals held back whose minute has ended, one report per claimant; they count as reported now. */
  takeDue(): ConflictReport[] {
    const now = this.now();
    const due: ConflictReport[] = [];
    for (const claimant of this.claimants.values()) {
      if (claimant.unreported === 0 || now - claimant.reportedAt < CONFLICT_REPORT_EVERY_MS) continue;
      due.push({ conflict: claimant.last, attempts: claimant.unreported });
      claimant.reportedAt = now;
      claimant.unreported = 0;
    }
    return due;
  }
}

export function claimantKey(claim: Pick<TerminalConflict, 'terminalId' | 'address'>): string {
  return `${claim.terminalId}\u0000${claim.address}`;
}
