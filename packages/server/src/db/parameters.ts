/**
 * The most parameters one statement may carry on both databases. PostgreSQL takes 65,535; PGlite
 * reads the count as a signed 16-bit number, and past 32,767 its one session falls out of step with
 * the statements sent to it (every later query gets another one's answer) until restart. Multi-row
 * writes are cut into statements under this; the PGlite driver refuses a statement over it before
 * sending anything.
 */
export const MAX_STATEMENT_PARAMETERS = 32_767;

/**
 * Splits rows so that each statement, with `perRow` parameters a row and `fixed` others, stays
 * under MAX_STATEMENT_PARAMETERS. Order is kept: chunks are written one after the other.
 */
export function inChunks<T>(rows: readonly T[], perRow: number, fixed = 0): T[][] {
  const size = Math.max(1, Math.floor((MAX_STATEMENT_PARAMETERS - fixed) / perRow));
  const chunks: T[][] = [];
  for (let start = 0; start < rows.length; start += size) chunks.push(rows.slice(start, start + size));
  return chunks;
}

/** Thrown before a statement with too many parameters reaches the database. */
export class TooManyParametersError extends Error {
  readonly code = 'KASSA_TOO_MANY_PARAMETERS';

  constructor(readonly count: number) {
    super(`A statement may carry at most ${MAX_STATEMENT_PARAMETERS} parameters; this one has ${count}.`);
    this.name = 'TooManyParametersError';
  }
}
