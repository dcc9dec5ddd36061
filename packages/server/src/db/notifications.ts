import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export type NotificationHandler = (payload: string) => void;

/**
 * PostgreSQL LISTEN/NOTIFY, the only bus between server processes. Sending is plain SQL
 * (`pg_notify` inside the writer's transaction, so listeners hear of a change only once it is
 * committed); this interface only listens. Channel names carry a prefix so that test runs in
 * separate schemas of one database do not hear each other.
 */
export interface NotificationBus {
  readonly prefix: string;
  listen(channel: string, handler: NotificationHandler): Promise<void>;
  close(): Promise<void>;
}

/** The default schema, public, has no prefix (the live-event trigger names the channel the same way). */
export function channelName(prefix: string, channel: string): string {
  return prefix === '' || prefix === 'public' ? `kassa_${channel}` : `kassa_${prefix}_${channel}`;
}

export class PGliteNotificationBus implements NotificationBus {
  readonly prefix = '';
  readonly #pglite: PGlite;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }

  async listen(channel: string, handler: NotificationHandler): Promise<void> {
    await this.#pglite.listen(channelName(this.prefix, channel), handler);
  }

  async close(): Promise<void> {}
}

/** One dedicated connection holds the LISTENs; it reconnects and listens again if it drops. */
export class PgNotificationBus implements NotificationBus {
  readonly prefix: string;
  readonly #config: pg.ClientConfig;
  readonly #handlers = new Map<string, NotificationHandler[]>();
  #client: pg.Client | null = null;
  #connecting: Promise<pg.Client> | null = null;
  #closed = false;

  constructor(config: pg.ClientConfig, prefix: string) {
    this.#config = config;
    this.prefix = prefix;
  }

  async listen(channel: string, handler: NotificationHandler): Promise<void> {
    const name = channelName(this.prefix, channel);
    const handlers = this.#handlers.get(name) ?? [];
    handlers.push(handler);
    this.#handlers.set(name, handlers);
    const client = await this.#connect();
    if (handlers.length === 1) await client.query(`LISTEN "${name}"`);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    this.#client = null;
    if (client !== null) await client.end().catch(() => undefined);
  }

  #connect(): Promise<pg.Client> {
    if (this.#client !== null) return Promise.resolve(this.#client);
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = null;
    });
    return this.#connecting;
  }

  async #open(): Promise<pg.Client> {
    const client = new pg.Client(this.#config);
    client.on('notification', (message) => {
      for (const handler of this.#handlers.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    client.on('error', () => {
      if (this.#client === client) this.#client = null;
      void client.end().catch(() => undefined);
      if (!this.#closed) setTimeout(() => void this.#relisten(), 500).unref();
    });
    await client.connect();
    this.#client = client;
    return client;
  }

  async #relisten(): Promise<void> {
    if (this.#closed) return;
    try {
      const client = await this.#connect();
      for (const name of this.#handlers.keys()) await client.query(`LISTEN "${name}"`);
    } catch {
      if (!this.#closed) setTimeout(() => void this.#relisten(), 1000).unref();
    }
  }
}
