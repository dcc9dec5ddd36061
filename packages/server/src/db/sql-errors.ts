/** What a database error says, by its SQLSTATE (PostgreSQL and PGlite report the same codes). */
function sqlState(error: unknown): { code?: unknown; constraint?: unknown } {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown; constraint?: unknown }) : {};
}

/** A unique index refused the row (23505); `constraint`, when given, names the index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const state = sqlState(error);
  return state.code === '23505' && (constraint === undefined || state.constraint === constraint);
}

/** PostgreSQL gave the transaction up to break a deadlock (40P01) or a serialization conflict (40001). */
export function isRetryableConflict(error: unknown): boolean {
  const { code } = sqlState(error);
  return code === '40P01' || code === '40001';
}
