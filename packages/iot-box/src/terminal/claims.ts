import type { TerminalConflictReason } from '@kassa/contract';

/**
 * Who may speak for a TerminalId. The Ingenico protocol has no authentication: anything that dials
 * port 9000 can say Hello with any TerminalId. While a terminal is online, a second connection that
 * claims its id may only be that same terminal coming back on a new connection (its old one
 * half-open, not yet noticed), and the box tells it by what it can check: the same address, and
 * the same serial number in VersionInformation. Anything else is refused and closed; the online
 * session is never touched. While the terminal is offline there is no one to compare with, so a
 * claimant is taken and its address and serial are reported: the server, which keeps the approved
 * ones, quarantines a terminal that comes back changed.
 */

/** The terminal online now under the claimed id (its live session's address, its known serial). */
export interface LiveTerminal {
  readonly address: string;
  /** Null when no VersionInformation ever named one: then the address is all there is to compare. */
  readonly serialNumber: string | null;
}

export type Verdict = { readonly kind: 'attach' } | { readonly kind: 'verify' } | { readonly kind: 'refuse'; readonly reason: TerminalConflictReason };

const ATTACH: Verdict = { kind: 'attach' };

/**
 * At the claimant's Hello: attach it (no one online, or the online one's serial was never known
 * and the address is the same), refuse it (another address), or ask its serial number first.
 */
export function judgeHello({ live, address }: { live: LiveTerminal | undefined; address: string }): Verdict {
  if (live === undefined) return ATTACH;
  if (live.address !== address) return { kind: 'refuse', reason: 'otherAddress' };
  if (live.serialNumber === null) return ATTACH;
  return { kind: 'verify' };
}

/**
 * When a claimant that had to show its serial number answers VersionInformation (`serialNumber`)
 * or lets the time for it pass (`undefined`): the same serial replaces the online session; another
 * one, or none in time, is refused. If the online terminal went away meanwhile, the claimant is
 * taken as any terminal is when no one is online.
 */
export function judgeIdentity({ live, serialNumber }: { live: LiveTerminal | undefined; serialNumber: string | null | undefined }): Verdict {
  if (live === undefined) return ATTACH;
  if (serialNumber === undefined) return { kind: 'refuse', reason: 'notIdentified' };
  if (serialNumber !== live.serialNumber) return { kind: 'refuse', reason: 'otherSerialNumber' };
  return ATTACH;
}
