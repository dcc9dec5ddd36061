import { KassaError } from './errors.js';

/**
 * Archiving keeps a payment method or POS configuration for the history that names it and takes
 * it out of every choice; deleting removes it, which only something nothing ever used may be.
 */

/** A payment method is deleted only when no payment or refund line went through it and no POS configuration offers it. */
export function checkMethodDelete({ paymentLines, posConfigIds }: { paymentLines: number; posConfigIds: readonly number[] }): void {
  if (paymentLines > 0 || posConfigIds.length > 0) {
    const why =
      paymentLines > 0
        ? `${paymentLines} payment line(s) went through it: archive it instead.`
        : 'POS configurations offer it: take it out of them, or archive it.';
    throw new KassaError('KASSA_METHOD_IN_USE', `This payment method is in use: ${why}`, { paymentLines, posConfigIds: [...posConfigIds] });
  }
}

/** A POS configuration is deleted only when no session was ever opened on it. */
export function checkPosDelete({ sessions }: { sessions: number }): void {
  if (sessions > 0) throw new KassaError('KASSA_POS_IN_USE', `${sessions} session(s) were opened on this POS configuration: archive it instead.`, { sessions });
}

/** A POS configuration is archived only while no session of it is open: a till is selling on it. */
export function checkPosArchive({ openSessions }: { openSessions: number }): void {
  if (openSessions > 0) throw new KassaError('KASSA_POS_SESSION_OPEN', undefined, { openSessions });
}
