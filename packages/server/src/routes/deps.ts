import type { EventStreamOptions } from '../events/stream.js';
import type { LiveEventHub } from '../events/hub.js';
import type { LoginLimit, SecureCookies } from '../http/security.js';
import type { ServiceContext } from '../services/context.js';
import type { SetupGate } from '../services/setup.js';

/** What route modules need beside the app: the services' context and the HTTP-level settings. */
export interface RouteDeps {
  readonly ctx: ServiceContext;
  readonly hub: LiveEventHub;
  readonly secureCookies: SecureCookies;
  readonly loginLimit: LoginLimit;
  /** Tries of POST /api/boxes/pair per client address. */
  readonly pairingLimit: LoginLimit;
  readonly events: EventStreamOptions;
  /** Whether the first admin is still to be created. */
  readonly setup: SetupGate;
}
