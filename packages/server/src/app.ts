import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import type { FastifyBaseLogger } from 'fastify';
import type { ScryptCost } from './auth/passwords.js';
import { DEFAULT_SCRYPT_COST } from './auth/passwords.js';
import type { Database, DatabaseOptions } from './db/database.js';
import { openDatabase } from './db/database.js';
import type { LoginLockout } from './domain/login-lockout.js';
import { DEFAULT_LOGIN_LOCKOUT } from './domain/login-lockout.js';
import { LiveEventHub } from './events/hub.js';
import { LocalLinks } from './services/local-links.js';
import type { EventStreamOptions } from './events/stream.js';
import { DEFAULT_EVENT_STREAM } from './events/stream.js';
import { installApiDocs } from './http/api-docs.js';
import { installAuth } from './http/auth-plugin.js';
import { frameworkErrorReply, installErrorHandling } from './http/errors.js';
import { registerMetricsRoute, ServerMetrics } from './http/metrics.js';
import { installOpenApi, registerOpenApiRoute } from './http/openapi.js';
import type { LoginLimit, SecureCookies } from './http/security.js';
import { DEFAULT_LOGIN_LIMIT, DEFAULT_PAIRING_LIMIT, installSecurity } from './http/security.js';
import type { App } from './http/types.js';
import { installWeb } from './http/web.js';
import { registerRoutes } from './routes/index.js';
import type { ServiceContext } from './services/context.js';
import { SetupGate } from './services/setup.js';
import { attachBoxUplink, refuseStrayUpgrades } from './uplink-site.js';
import { SERVER_VERSION } from './version.js';

export interface AppOptions {
  /** An open database (the caller closes it) or the options to open one (the app closes it). */
  readonly database: Database | DatabaseOptions;
  /** The URL browsers and boxes use to reach this server; a function when it is known only after listen(). */
  readonly publicUrl: string | (() => string);
  readonly logger?: FastifyBaseLogger;
  /**
   * The reverse proxies (IP addresses or CIDR ranges) whose X-Forwarded-* headers are believed: the
   * client address for the login limits, https for Secure cookies. From any other peer they are ignored.
   */
  readonly trustProxy?: readonly string[];
  readonly timeouts?: Partial<ServerTimeouts>;
  readonly secureCookies?: SecureCookies;
  /** The folder of the web build; `/` serves it when it holds an index.html. */
  readonly webDist?: string | null;
  readonly passwordCost?: ScryptCost;
  readonly sessionTtlMs?: number;
  /** Attempts per client address and minute, whatever their outcome: a flood guard before any password is checked. */
  readonly loginLimit?: LoginLimit;
  /** Locks after failed logins, per username, address and known device (domain/login-lockout.ts). */
  readonly loginLockout?: Partial<LoginLockout>;
  readonly pairingLimit?: LoginLimit;
  /** A cash difference beyond this many cents needs a manager's approval to close a session (default 500). */
  readonly closingThresholdCents?: number;
  readonly events?: Partial<EventStreamOptions>;
  /** Identifies this process among those sharing the database. */
  readonly serverId?: string;
  readonly now?: () => Date;
  /** Attach the box uplink WebSocket to the HTTP server (on by default). */
  readonly uplink?: boolean;
  /** The bearer token a Prometheus scraper sends for GET /metrics; admins' sessions may read it too. */
  readonly metricsToken?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The services' context: database, clock, identity of this process. */
    kassa: ServiceContext;
    /** The fan-out of live events to this process's event streams. */
    liveEvents: LiveEventHub;
  }
}

/** How long a client may take; a slow or idle one is dropped instead of holding a socket. */
export interface ServerTimeouts {
  /** To send the request's headers. */
  readonly headersMs: number;
  /** To send the whole request, body included (not the answer: event streams last). */
  readonly requestMs: number;
  /** A keep-alive connection with no request in flight is closed after this. */
  readonly keepAliveMs: number;
}

export const DEFAULT_TIMEOUTS: ServerTimeouts = { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000 };

const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const BODY_LIMIT_BYTES = 256 * 1024;

function isDatabase(value: Database | DatabaseOptions): value is Database {
  return 'db' in value;
}

/**
 * Builds the kassa application in layers: database, services, security (cookies, sessions, CSRF,
 * login limit), then routes, the OpenAPI document and the web build. Nothing listens yet.
 */
export async function buildApp(options: AppOptions): Promise<App> {
  const ownsDatabase = !isDatabase(options.database);
  const database = isDatabase(options.database) ? options.database : await openDatabase(options.database);
  const publicUrl = options.publicUrl;
  let hub: LiveEventHub | null = null;
  const metrics = new ServerMetrics(database.db, () => hub);
  const ctx: ServiceContext = {
    database,
    db: database.db,
    prefix: database.bus.prefix,
    now: options.now ?? (() => new Date()),
    serverId: options.serverId ?? randomUUID(),
    links: new LocalLinks(),
    get publicUrl() {
      return typeof publicUrl === 'string' ? publicUrl : publicUrl();
    },
    passwordCost: options.passwordCost ?? DEFAULT_SCRYPT_COST,
    sessionTtlMs: options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS,
    loginLockout: { ...DEFAULT_LOGIN_LOCKOUT, ...options.loginLockout },
    ...(options.closingThresholdCents === undefined ? {} : { closingThresholdCents: options.closingThresholdCents }),
    payments: metrics,
  };

  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const trustProxy = options.trustProxy ?? [];
  const app = Fastify({
    ...(options.logger === undefined ? { logger: false } : { loggerInstance: options.logger }),
    // A list of addresses, never `true`: a forged X-Forwarded-For from anyone else changes nothing.
    trustProxy: trustProxy.length === 0 ? false : [...trustProxy],
    // Node checks the headers and request timeouts on an interval (30 s by default): check often
    // enough that they hold to about a second.
    http: { headersTimeout: timeouts.headersMs, connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs) },
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    bodyLimit: BODY_LIMIT_BYTES,
    // Hijacked event streams are ended by the hub before close; keep-alive sockets go at once.
    forceCloseConnections: 'idle',
    frameworkErrors: frameworkErrorReply,
  }).withTypeProvider<TypeBoxTypeProvider>();
  // TypeBox checks bodies exactly as sent (no coercion, unknown properties refused) and converts
  // only path and query strings to the declared types.
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  app.decorate('kassa', ctx);

  installErrorHandling(app);
  const secureCookies = options.secureCookies ?? 'auto';
  await installSecurity(app, ctx.db, secureCookies);
  const setup = new SetupGate(ctx);
  installAuth(app, ctx, setup);
  await installOpenApi(app, SERVER_VERSION, () => ctx.publicUrl);

  const liveEvents = new LiveEventHub(ctx, app.log);
  hub = liveEvents;
  await liveEvents.start();
  app.decorate('liveEvents', liveEvents);
  registerOpenApiRoute(app);
  await installApiDocs(app);
  registerMetricsRoute(app, ctx, metrics, options.metricsToken);
  registerRoutes(app, {
    ctx,
    hub: liveEvents,
    secureCookies,
    loginLimit: options.loginLimit ?? DEFAULT_LOGIN_LIMIT,
    pairingLimit: options.pairingLimit ?? DEFAULT_PAIRING_LIMIT,
    events: { ...DEFAULT_EVENT_STREAM, ...options.events },
    setup,
  });
  await installWeb(app, options.webDist ?? null);

  const uplink = options.uplink === false ? null : await attachBoxUplink(app.server, ctx, app.log);
  refuseStrayUpgrades(app.server, uplink !== null);
  // The box links go before the HTTP server closes: their upgraded sockets count as its
  // connections, so closing waited for every box to time out.
  app.addHook('preClose', async () => {
    liveEvents.stop();
    await uplink?.close();
  });
  app.addHook('onClose', async () => {
    if (ownsDatabase) await database.close();
  });
  return app;
}
