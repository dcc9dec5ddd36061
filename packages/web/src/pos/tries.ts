import type { Order } from '@kassa/contract';

type Line = Order['payments'][number];

/**
 * The payment lines as the cashier sees them: Retry tries again in the same line. A declined line
 * (retry) followed by a later try with the same method is not shown on its own; the later try
 * shows in its place, numbered (2, 3, …). Every line stays on the server, with its own uuid.
 */
export function linesToShow(payments: readonly Line[]): { line: Line; attempt: number }[] {
  const shown: { line: Line; attempt: number }[] = [];
  const tries = new Map<number, number>();
  payments.forEach((line, index) => {
    const attempt = (tries.get(line.methodId) ?? 0) + 1;
    const retried = line.state === 'retry' && payments.slice(index + 1).some((later) => later.methodId === line.methodId);
    if (retried) {
      tries.set(line.methodId, attempt);
      return;
    }
    tries.delete(line.methodId);
    shown.push({ line, attempt });
  });
  return shown;
}
