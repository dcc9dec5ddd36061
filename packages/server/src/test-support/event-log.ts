import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import { channelName } from '../db/notifications.js';
import { parseAnnouncement } from '../events/announcement.js';
import type { AnnouncedEvent } from '../repos/events.js';
import { EVENTS_CHANNEL, getStoredEvent } from '../repos/events.js';

/** A channel of the test's own, heard on the same connection as the events, in commit order with them. */
const HEARD_CHANNEL = 'events_heard';

/** The live events a test hears, as every server process hears them: announced at commit, in commit order. */
export interface EventLog {
  /** A place after everything committed so far has been heard; `after` gives what is heard after it. */
  mark(): Promise<number>;
  /** The events heard after `mark`, once everything committed before this call has been heard. */
  after(mark: number): Promise<AnnouncedEvent[]>;
}

/** Listens to the events channel of `database` from now on. */
export async function listenToEvents(database: Database): Promise<EventLog> {
  const heard: string[] = [];
  const waiting = new Map<string, () => void>();
  await database.bus.listen(EVENTS_CHANNEL, (payload) => heard.push(payload));
  await database.bus.listen(HEARD_CHANNEL, (token) => waiting.get(token)?.());
  /** A note sent after every commit made so far: once it is heard, so is everything before it. */
  const settle = async (): Promise<void> => {
    const token = randomUUID();
    const arrived = new Promise<void>((resolve) => waiting.set(token, resolve));
    await sql`select pg_notify(${channelName(database.bus.prefix, HEARD_CHANNEL)}, ${token})`.execute(database.db);
    await arrived;
    waiting.delete(token);
  };
  return {
    mark: async () => {
      await settle();
      return heard.length;
    },
    after: async (mark) => {
      await settle();
      const events: AnnouncedEvent[] = [];
      for (const payload of heard.slice(mark)) {
        const announced = parseAnnouncement(payload);
        if (announced === null) throw new Error(`not an event announcement: ${payload}`);
        const event = announced.kind === 'full' ? announced.event : await getStoredEvent(database.db, announced.id);
        if (event === null) throw new Error(`the stored event ${payload} is gone`);
        events.push(event);
      }
      return events;
    },
  };
}
