import { StringDecoder } from 'node:string_decoder';

/**
 * The streams bench's own pieces, kept apart so that a test holds them: reading the frames of an
 * event stream, knowing which till each order, session and device of the bench belongs to, and
 * checking every event a cashier's stream receives against its till.
 */

/** One event as a stream carries it (the `data:` line of a frame). */
export interface StreamEvent {
  readonly id: number;
  readonly topic: string;
  readonly data: unknown;
}

/**
 * Cuts the bytes of a `text/event-stream` into events; counts every byte it was given (events,
 * comments, `retry:`), as the stream's cost to the network.
 */
export class FrameReader {
  readonly #decoder = new StringDecoder('utf8');
  #buffer = '';
  bytes = 0;

  /** The events completed by `chunk`, in order; comments and other frames are left out. */
  push(chunk: Buffer): StreamEvent[] {
    this.bytes += chunk.length;
    this.#buffer += this.#decoder.write(chunk);
    const events: StreamEvent[] = [];
    let end = this.#buffer.indexOf('\n\n');
    while (end >= 0) {
      const frame = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      const data = frame
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n');
      if (data !== '' && /^event: /m.test(frame)) events.push(JSON.parse(data) as StreamEvent);
      end = this.#buffer.indexOf('\n\n');
    }
    return events;
  }
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * What identifies one written event among all of a run, so that its delivery can be matched with
 * its commit: a payment by its uuid and the history entry it announces (none: the request), an
 * order by its id and state. Null for any other event.
 */
export function eventKey(event: Pick<StreamEvent, 'topic' | 'data'>): string | null {
  if (event.topic === 'payment') {
    const payment = field(event.data, 'payment');
    const entry = field(event.data, 'entry');
    const uuid = field(payment, 'uuid');
    if (typeof uuid !== 'string') return null;
    const what = field(entry, 'event');
    return `payment:${uuid}:${typeof what === 'string' ? what : 'requested'}`;
  }
  if (event.topic === 'order') {
    const order = field(event.data, 'order');
    const id = field(order, 'id');
    const state = field(order, 'state');
    return typeof id === 'string' && typeof state === 'string' ? `order:${id}:${state}` : null;
  }
  return null;
}

/** Which POS each order, session and device of the bench belongs to, as the bench seeded them. */
export class TillMap {
  readonly #posOfOrder = new Map<string, number>();
  readonly #posOfSession = new Map<number, number>();
  readonly #posesOfDevice = new Map<number, Set<number>>();

  addSession(sessionId: number, posId: number): void {
    this.#posOfSession.set(sessionId, posId);
  }

  addOrder(orderId: string, posId: number): void {
    this.#posOfOrder.set(orderId, posId);
  }

  addDevice(deviceId: number, posId: number): void {
    const poses = this.#posesOfDevice.get(deviceId) ?? new Set<number>();
    poses.add(posId);
    this.#posesOfDevice.set(deviceId, poses);
  }

  /**
   * The POS an event belongs to, each way the event names one: a payment by its order, an order by
   * its id and by its session, a device by the POS whose methods use it. An event that names none
   * the bench knows, or another topic, belongs to no till (an empty list).
   */
  posesOf(event: Pick<StreamEvent, 'topic' | 'data'>): number[][] {
    const known = <K>(map: ReadonlyMap<K, number>, key: unknown): number[] => {
      const pos = map.get(key as K);
      return pos === undefined ? [] : [pos];
    };
    switch (event.topic) {
      case 'payment':
        return [known(this.#posOfOrder, field(field(event.data, 'payment'), 'orderId'))];
      case 'order': {
        const order = field(event.data, 'order');
        return [known(this.#posOfOrder, field(order, 'id')), known(this.#posOfSession, field(order, 'sessionId'))];
      }
      case 'device':
        return [[...(this.#posesOfDevice.get(field(field(event.data, 'device'), 'id') as number) ?? [])]];
      default:
        return [[]];
    }
  }
}

/**
 * The check of one cashier's stream: every event it receives must belong to its own till, by every
 * way the event names a till. An event it cannot place (another topic, an order the bench does not
 * know) counts as foreign too: the stream may carry nothing that is not provably its till's.
 */
export class StreamIsolation {
  own = 0;
  foreign = 0;
  /** The first foreign events, described, for the report. */
  readonly samples: string[] = [];

  constructor(
    readonly posId: number,
    readonly tills: TillMap,
  ) {}

  /** True when the event is the till's own; a foreign one is counted and described. */
  check(event: StreamEvent): boolean {
    const ways = this.tills.posesOf(event);
    const own = ways.every((poses) => poses.includes(this.posId));
    if (own) {
      this.own++;
      return true;
    }
    this.foreign++;
    if (this.samples.length < 3)
      this.samples.push(
        `POS ${this.posId} received ${event.topic} event ${event.id} of ${ways.map((p) => `[${p.join(', ') || 'no known till'}]`).join(' / ')}`,
      );
    return false;
  }
}
