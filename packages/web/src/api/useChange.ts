import type { QueryKey } from '@tanstack/react-query';
import { useMutation, useQueryClient } from '@tanstack/react-query';

/**
 * A change made from a list (remove, switch on or off, change a role): `mutate(action)` runs the
 * call, then re-reads the queries under `keys` before it counts as done; its `error` is the
 * refusal to show.
 */
export function useChange(...keys: readonly QueryKey[]) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (action: () => Promise<unknown>) => action(),
    onSuccess: () => Promise.all(keys.map((queryKey) => client.invalidateQueries({ queryKey }))),
  });
}
