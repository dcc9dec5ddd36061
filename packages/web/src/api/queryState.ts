/** What a screen needs of a read to show it: its data once there, its last error, a way to try again. */
export interface QueryState<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly refetch: () => unknown;
}

type DataOf<Q> = Q extends { readonly data: infer T } ? Exclude<T, undefined> : never;

/** Several reads shown as one: the data once all are there, the first error, and trying again the failed ones. */
export function allOf<const Qs extends readonly QueryState<unknown>[]>(...queries: Qs): QueryState<{ -readonly [K in keyof Qs]: DataOf<Qs[K]> }> {
  const ready = queries.every((q) => q.data !== undefined);
  return {
    data: ready ? (queries.map((q) => q.data) as { -readonly [K in keyof Qs]: DataOf<Qs[K]> }) : undefined,
    error: queries.find((q) => q.error !== null && q.error !== undefined)?.error ?? null,
    refetch: () => queries.filter((q) => q.error !== null && q.error !== undefined).forEach((q) => void q.refetch()),
  };
}
