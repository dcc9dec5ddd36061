import type { ApiClient } from './api.js';
import type { Random } from './random.js';
import type { Finding } from './verify.js';
import type { Shop, World } from './world.js';

/**
 * What every step of the security phase works with: the run's processes and shop, an admin and a
 * cashier logged in, the run's randomness and seed, and where a step reports what it found and how
 * many tries it made.
 */
export interface SecurityRun {
  readonly world: World;
  readonly shop: Shop;
  readonly admin: ApiClient;
  readonly cashier: ApiClient;
  readonly random: Random;
  readonly seed: number;
  readonly findings: Finding[];
  readonly counts: Record<string, number>;
}
