/** The notes a customer most often hands over, in cents. */
const NOTES = [500, 1000, 2000, 5000, 10_000] as const;

/**
 * Quick tenders for a cash payment of `dueCents`: the exact amount, then the next round sums the
 * usual notes make above it (€5, €10, €20, €50, €100 steps), at most `count` in all, ascending.
 */
export function quickTenders(dueCents: number, count = 5): number[] {
  if (!Number.isInteger(dueCents) || dueCents <= 0) return [];
  const sums = new Set<number>([dueCents]);
  for (const note of NOTES) {
    const next = Math.ceil(dueCents / note) * note;
    sums.add(next === dueCents ? next + note : next);
  }
  return [...sums].sort((a, b) => a - b).slice(0, count);
}

/** The change for a cash tender: what was handed above what is due, never negative. */
export function changeFor({ dueCents, tenderedCents }: { dueCents: number; tenderedCents: number }): number {
  return Math.max(0, tenderedCents - Math.max(0, dueCents));
}
