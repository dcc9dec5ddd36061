import type { App } from '../http/types.js';
import { registerArchiveRoutes } from './archive.js';
import { registerAuthRoutes } from './auth.js';
import { registerBoxRoutes } from './boxes.js';
import { registerConfigurationRoutes } from './configuration.js';
import type { RouteDeps } from './deps.js';
import { registerEventRoutes } from './events.js';
import { registerPaymentRoutes } from './payments.js';
import { registerRefundRoutes } from './refunds.js';
import { registerSalesRoutes } from './sales.js';
import { registerSetupRoutes } from './setup.js';
import { registerUserRoutes } from './users.js';

export function registerRoutes(app: App, deps: RouteDeps): void {
  registerAuthRoutes(app, deps);
  registerSetupRoutes(app, deps);
  registerConfigurationRoutes(app, deps);
  registerArchiveRoutes(app, deps);
  registerBoxRoutes(app, deps);
  registerUserRoutes(app, deps);
  registerSalesRoutes(app, deps);
  registerPaymentRoutes(app, deps);
  registerRefundRoutes(app, deps);
  registerEventRoutes(app, deps);
}
