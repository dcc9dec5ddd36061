import { KassaError } from './errors.js';

/**
 * Archiving keeps a payment method or POS configuration for the history that names it and takes
 * it out of every choice; deleting removes it, which only something nothing ever used may be.
 */

export interface NamedPos {
  readonly id: number;
  readonly name: string;
}

/** The names of POS configurations in a message: "Shop 1", "Shop 1, Shop 2". */
const namesOf = (configs: readonly NamedPos[]): string => configs.map((c) => c.name).join(', ');

/** A payment method is deleted only when no payment or refund line went through it and no POS configuration offers it. */
export function checkMethodDelete({ paymentLines, posConfigs }: { paymentLines: number; posConfigs: readonly NamedPos[] }): void {
  if (paymentLines > 0 || posConfigs.length > 0) {
    const why =
      paymentLines > 0
        ? `${paymentLines} payment line(s) went through it: archive it instead.`
        : `the POS configuration(s) ${namesOf(posConfigs)} offer it: take it out of them, or archive it.`;
    throw new KassaError('KASSA_METHOD_IN_USE', `This payment method is in use: ${why}`, {
      paymentLines,
      posConfigIds: posConfigs.map((c) => c.id),
      posConfigNames: namesOf(posConfigs),
    });
  }
}

/**
 * A POS configuration in use always has a method to pay by: a method is not archived while it is
 * the only method in use of such a configuration (`leftWithout`, from posConfigsLeftWithoutMethod).
 */
export function checkMethodArchive({ leftWithout }: { leftWithout: readonly NamedPos[] }): void {
  if (leftWithout.length > 0) {
    throw new KassaError(
      'KASSA_POS_LAST_METHOD',
      `This is the only payment method in use of the POS configuration(s) ${namesOf(leftWithout)}: give them another method first, or archive them.`,
      { posConfigIds: leftWithout.map((c) => c.id), posConfigNames: namesOf(leftWithout) },
    );
  }
}

/** A POS configuration is deleted only when no session was ever opened on it. */
export function checkPosDelete({ sessions }: { sessions: number }): void {
  if (sessions > 0) throw new KassaError('KASSA_POS_IN_USE', `${sessions} session(s) were opened on this POS configuration: archive it instead.`, { sessions });
}

/** A POS configuration comes back into use only with a method in use to pay by. */
export function checkPosRestore({ hasActiveMethod }: { hasActiveMethod: boolean }): void {
  if (!hasActiveMethod)
    throw new KassaError('KASSA_POS_NO_METHOD', 'Every payment method of this POS configuration is archived: restore one or give it another first.');
}

/** A POS configuration is archived only while no session of it is open: a till is selling on it. */
export function checkPosArchive({ openSessions }: { openSessions: number }): void {
  if (openSessions > 0) throw new KassaError('KASSA_POS_SESSION_OPEN', undefined, { openSessions });
}
