import type { Order } from '@kassa/contract';

type Line = Order['payments'][number];

/**
 * The payment lines as the cashier sees them: Retry tries again in the same line. A declined line
 * (retry) that a later line retried (`retriedBy`: the uuid of the line Retry made in its place) is
 * not shown on its own; the later try shows in its place, numbered (2, 3, …). A later payment with
 * the same method that the cashier started anew is a payment of its own: its own line, and the
 * declined one stays beside it. Every line stays on the server, with its own uuid.
 */
export function linesToShow(payments: readonly Line[], retryOf: (uuid: string) => string | null): { line: Line; attempt: number }[] {
  const attempts = new Map<string, number>();
  const retried = new Set<string>();
  for (const line of payments) {
    const previous = retryOf(line.uuid);
    const before = previous === null ? undefined : payments.find((p) => p.uuid === previous && p.state === 'retry');
    if (before === undefined) {
      attempts.set(line.uuid, 1);
      continue;
    }
    retried.add(before.uuid);
    attempts.set(line.uuid, (attempts.get(before.uuid) ?? 1) + 1);
  }
  return payments.filter((line) => !retried.has(line.uuid)).map((line) => ({ line, attempt: attempts.get(line.uuid) ?? 1 }));
}
