import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { BOX_CONTRACT_VERSION, boxUplinkUrl, MAX_BOX_TERMINALS, MAX_UPLINK_MESSAGE_BYTES, transactionIdFromUuid } from '@kassa/contract';
import type { ApiAnswer, ApiClient } from './api.js';
import { Random } from './random.js';

/**
 * A hostile box: it holds a valid box token, and sends the server malformed, oversized,
 * out-of-order and forged messages — results naming another terminal, another transaction (or none once one was reported sent) or
 * another amount, results for the payments of another box, hellos larger than a box can hold,
 * floods of events about nothing. The server must neither crash nor wedge (a normal payment goes
 * through afterwards), and no payment may be settled against the rules: a forged answer settles
 * nothing, and an approval of another amount waits for a person (`mismatch`).
 */
export interface HostileBoxOptions {
  readonly serverUrl: string;
  /** The token of the paired box whose terminal the card method uses. */
  readonly boxToken: string;
  /** That terminal's id. */
  readonly terminalId: string;
  readonly admin: ApiClient;
  readonly cashier: ApiClient;
  readonly seed: number;
  /** Junk messages in the malformed round. */
  readonly junk?: number;
}

export interface HostileBoxReport {
  /** Messages sent by the hostile links. */
  readonly sent: number;
  /** Each broken rule, in words; empty when the server held. */
  readonly problems: string[];
}

type Json = Record<string, unknown>;

/** One box link: says hello, keeps every server message, answers commands it is told to. */
class BoxLink {
  readonly received: Json[] = [];
  sent = 0;
  closed = false;
  #ids = 0;

  private constructor(
    private readonly socket: WebSocket,
    private readonly prefix: string,
  ) {
    socket.on('message', (data) => {
      try {
        this.received.push(JSON.parse(String(data)) as Json);
      } catch {
        // The server only sends JSON; anything else is noted by its absence.
      }
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }

  static async open(serverUrl: string, token: string): Promise<BoxLink> {
    const socket = new WebSocket(boxUplinkUrl(serverUrl), { headers: { authorization: `Bearer ${token}` }, maxPayload: 4 * MAX_UPLINK_MESSAGE_BYTES });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', () => reject(new Error('the uplink refused the box token')));
      socket.once('error', reject);
    });
    return new BoxLink(socket, randomUUID().slice(0, 8));
  }

  send(message: unknown): void {
    if (this.closed) return;
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
    this.sent++;
  }

  async hello(devices: unknown[]): Promise<Json | undefined> {
    this.send({ type: 'hello', version: BOX_CONTRACT_VERSION, boxId: randomUUID(), software: 'hostile-box', devices });
    return this.waitFor((m) => m['type'] === 'welcome' || m['type'] === 'error');
  }

  /** Sends an event under a new id; resolves when the server acknowledged it (or gave up on it). */
  async event(body: Json): Promise<boolean> {
    const id = `${this.prefix}-${++this.#ids}`;
    this.send({ type: 'event', id, at: new Date().toISOString(), event: body });
    const ack = await this.waitFor((m) => m['type'] === 'ack' && Array.isArray(m['ids']) && (m['ids'] as unknown[]).includes(id));
    return ack !== undefined;
  }

  async waitFor(match: (message: Json) => boolean, ms = 15_000): Promise<Json | undefined> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const found = this.received.find(match);
      if (found !== undefined || this.closed) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return undefined;
  }

  close(): void {
    this.socket.terminate();
  }
}

function device(terminalId: string): Json {
  return { terminalId, model: 'lane5000', serialNumber: null, address: '127.0.0.1', online: true, lastSeen: new Date().toISOString(), state: 'idle' };
}

function result(paymentUuid: string, terminalId: string, transactionId: string, amountCents: number | null, name = 'Approved'): Json {
  return {
    kind: 'transactionResult',
    paymentUuid,
    terminalId,
    transactionId,
    result: name,
    resultId: 0,
    amountCents,
    authorisationCode: 'FORGED',
    cardBrand: 'Visa',
    tickets: [{ type: 2, header: null, text: 'FORGED', footer: null }],
    recovered: false,
  };
}

const body = <T>(answer: ApiAnswer): T => answer.body as T;

/** The till side, through the HTTP API as a cashier. */
class Till {
  constructor(
    private readonly options: HostileBoxOptions,
    private readonly sessionId: number,
    readonly methodId: number,
    private readonly product: { id: number; priceCents: number },
  ) {}

  static async open(options: HostileBoxOptions): Promise<Till> {
    const { admin, cashier, serverUrl } = options;
    const methods = body<{ items: { id: number; terminal: string }[] }>(await admin.call(serverUrl, 'GET', '/api/payment-methods')).items;
    const card = methods.find((m) => m.terminal === 'ingenico');
    const products = body<{ items: { id: number; priceCents: number }[] }>(await admin.call(serverUrl, 'GET', '/api/products')).items;
    const configs = body<{ items: { id: number; paymentMethodIds: number[] }[] }>(await admin.call(serverUrl, 'GET', '/api/pos-configs')).items;
    const config = configs.find((c) => card !== undefined && c.paymentMethodIds.includes(card.id));
    if (card === undefined || products[0] === undefined || config === undefined) throw new Error('the server has no card method, product or POS to pay with');
    const opened = await cashier.call(serverUrl, 'POST', '/api/sessions', { posConfigId: config.id, openingCashCents: 0 });
    const sessions = body<{ items: { id: number; posConfigId: number; state: string }[] }>(await cashier.call(serverUrl, 'GET', '/api/sessions')).items;
    const sessionId =
      opened.status === 200 || opened.status === 201
        ? body<{ id: number }>(opened).id
        : sessions.find((s) => s.posConfigId === config.id && s.state === 'open')?.id;
    if (sessionId === undefined) throw new Error(`no open session: ${opened.status} ${JSON.stringify(opened.body)}`);
    return new Till(options, sessionId, card.id, products[0]);
  }

  get amountCents(): number {
    return this.product.priceCents;
  }

  async order(): Promise<string> {
    const id = randomUUID();
    const answer = await this.options.cashier.call(this.options.serverUrl, 'PUT', `/api/orders/${id}`, {
      sessionId: this.sessionId,
      lines: [{ productId: this.product.id, quantity: 1 }],
    });
    if (answer.status >= 300) throw new Error(`order refused: ${answer.status} ${JSON.stringify(answer.body)}`);
    return id;
  }

  async pay(orderId: string): Promise<string> {
    const uuid = randomUUID();
    const answer = await this.options.cashier.call(this.options.serverUrl, 'PUT', `/api/payments/${uuid}`, {
      orderId,
      paymentMethodId: this.methodId,
      amountCents: this.amountCents,
    });
    if (answer.status >= 300) throw new Error(`payment refused: ${answer.status} ${JSON.stringify(answer.body)}`);
    return uuid;
  }

  async state(uuid: string): Promise<string> {
    return body<{ payment: { state: string } }>(await this.options.cashier.call(this.options.serverUrl, 'GET', `/api/payments/${uuid}`)).payment.state;
  }

  async validate(orderId: string): Promise<ApiAnswer> {
    return this.options.cashier.call(this.options.serverUrl, 'POST', `/api/orders/${orderId}/validate`);
  }
}

/** Junk a broken or hostile box could send: not JSON, wrong shapes, mutated valid messages, too large, too deep. */
function junkOf(random: Random, valid: Json): string {
  const text = JSON.stringify(valid);
  switch (random.int(0, 6)) {
    case 0:
      return random.bytes(random.int(1, 400)).toString('latin1');
    case 1: {
      // A byte of a valid message changed.
      const at = random.int(0, text.length - 1);
      return text.slice(0, at) + String.fromCharCode(random.int(0, 0x7f)) + text.slice(at + 1);
    }
    case 2:
      return text.slice(0, random.int(0, text.length - 1));
    case 3:
      return JSON.stringify({
        ...valid,
        [random.pick(['id', 'at', 'type', 'event', 'extra'])]: random.pick([null, -1, 2 ** 53 + 1, 1e308, '', 'x'.repeat(5000), [], {}]),
      });
    case 4:
      return '['.repeat(random.int(100, 5000));
    case 5:
      return JSON.stringify({ type: 'event', id: 'x'.repeat(random.int(65, 300)), at: 'now', event: valid['event'] });
    default:
      return JSON.stringify({ type: random.pick(['hello', 'welcome', 'ack', 'command', 'commandReceived', 'error', '__proto__']), ids: [1, 2], commandId: -5 });
  }
}

export async function hostileBox(options: HostileBoxOptions): Promise<HostileBoxReport> {
  const random = new Random(options.seed);
  const problems: string[] = [];
  const { serverUrl, admin, terminalId } = options;
  const healthy = async (when: string): Promise<void> => {
    const health = await admin.call(serverUrl, 'GET', '/api/healthz');
    if (health.status !== 200) problems.push(`health check ${health.status} ${when}`);
  };
  const links: BoxLink[] = [];
  const open = async (token = options.boxToken): Promise<BoxLink> => {
    const link = await BoxLink.open(serverUrl, token);
    links.push(link);
    return link;
  };
  const expectState = async (till: Till, uuid: string, allowed: readonly string[], what: string): Promise<void> => {
    const state = await till.state(uuid);
    if (!allowed.includes(state)) problems.push(`${what}: the payment is ${state}, expected ${allowed.join(' or ')}`);
  };

  try {
    // Hellos larger than a box holds are refused; the box is taken again afterwards.
    for (const count of [MAX_BOX_TERMINALS + 1, 4096]) {
      const big = await open();
      const answer = await big.hello(Array.from({ length: count }, (_, i) => device(`HUGE${i}`)));
      if (answer?.['type'] !== 'error') problems.push(`a hello of ${count} devices was answered ${JSON.stringify(answer)?.slice(0, 100)}`);
      big.close();
    }
    await healthy('after huge hellos');

    const box = await open();
    const welcome = await box.hello([device(terminalId), device('IMPOSTOR-T')]);
    if (welcome?.['type'] !== 'welcome') throw new Error(`the box was not welcomed: ${JSON.stringify(welcome)}`);
    const till = await Till.open(options);
    const orderId = await till.order();
    const uuid = await till.pay(orderId);
    const start = await box.waitFor((m) => m['type'] === 'command' && (m['command'] as Json)['paymentUuid'] === uuid);
    if (start === undefined) throw new Error('the start command never reached the box');
    box.send({ type: 'commandReceived', commandId: start['commandId'] });
    const amount = till.amountCents;

    // Forged and out-of-order answers about a payment this box was asked to run: another terminal,
    // another transaction than the payment's own (before and after the box reports sending it),
    // and, once it was reported sent, events that leave the transaction out.
    const transactionId = transactionIdFromUuid(uuid).toString();
    const forgedId = String(random.int(1, 1_000_000_000));
    await box.event(result(uuid, 'NOT-THE-TERMINAL', transactionId, 1));
    await box.event(result(uuid, 'IMPOSTOR-T', transactionId, amount));
    await box.event(result(uuid, terminalId, forgedId, amount));
    await box.event({ kind: 'transactionNotRun', paymentUuid: uuid, terminalId: 'IMPOSTOR-T', reason: 'forged' });
    await box.event({ kind: 'transactionSent', paymentUuid: uuid, terminalId, transactionId, amountCents: amount });
    await box.event({ kind: 'transactionSent', paymentUuid: uuid, terminalId, transactionId: forgedId, amountCents: amount });
    await box.event(result(uuid, terminalId, forgedId, amount));
    await box.event({ kind: 'cancelAnswer', paymentUuid: uuid, terminalId: 'IMPOSTOR-T', accepted: true, resultCode: 0 });
    await box.event({ kind: 'transactionUnknown', paymentUuid: uuid, terminalId: 'IMPOSTOR-T', reason: 'forged' });
    await box.event({ kind: 'transactionNotRun', paymentUuid: uuid, terminalId, reason: 'forged without its transaction' });
    await box.event({ kind: 'transactionUnknown', paymentUuid: uuid, terminalId, reason: 'forged without its transaction' });
    await box.event({ kind: 'cancelAnswer', paymentUuid: uuid, terminalId, accepted: true, resultCode: 0 });
    await box.event({ kind: 'transactionStage', paymentUuid: uuid, terminalId, stage: 'WaitingForCard', stageId: 1 });
    await expectState(till, uuid, ['waiting'], 'after forged answers');
    if ((await till.validate(orderId)).status !== 409) problems.push('an order validated on forged answers');

    // Results for this box's payment sent by another paired box.
    const other = body<{ box: { id: string }; token: string }>(await admin.call(serverUrl, 'POST', '/api/boxes', { name: `Hostile ${options.seed}` }));
    const intruder = await open(other.token);
    await intruder.hello([device(terminalId)]);
    await intruder.event(result(uuid, terminalId, transactionId, amount));
    await intruder.event({ kind: 'transactionNotRun', paymentUuid: uuid, terminalId, reason: 'forged' });
    await expectState(till, uuid, ['waiting'], "after another box's answers");

    // Malformed, oversized and unmatched messages. Junk is made from a forged answer (another
    // terminal): a mutation that happens to stay valid is still one that must settle nothing.
    const valid = { type: 'event', id: 'valid-1', at: new Date().toISOString(), event: result(uuid, 'IMPOSTOR-T', transactionId, amount) };
    for (let i = 0; i < (options.junk ?? 300); i++) box.send(junkOf(random, valid));
    for (let i = 0; i < 100; i++)
      box.send({
        type: 'event',
        id: `nothing-${options.seed}-${i}`,
        at: new Date().toISOString(),
        event: result(randomUUID(), terminalId, transactionId, amount),
      });
    box.send('x'.repeat(MAX_UPLINK_MESSAGE_BYTES + 1024));
    await healthy('after junk');

    // An approval of another amount is not paid: it waits for a person, and the order cannot validate.
    const honest = box.closed ? await open() : box;
    if (honest !== box) await honest.hello([device(terminalId)]);
    await honest.event(result(uuid, terminalId, transactionId, 1));
    await honest.event(result(uuid, terminalId, transactionId, amount));
    await expectState(till, uuid, ['mismatch'], 'after an approval of 1 cent');
    if ((await till.validate(orderId)).status !== 409) problems.push('an order validated with a mismatched payment');

    // The same TerminalId on two boxes takes no payment until an admin removes the wrong device.
    const nextOrder = await till.order();
    const refused = await options.cashier.call(serverUrl, 'PUT', `/api/payments/${randomUUID()}`, {
      orderId: nextOrder,
      paymentMethodId: till.methodId,
      amountCents: amount,
    });
    if (body<{ error?: { code?: string } }>(refused).error?.code !== 'KASSA_DEVICE_DUPLICATE')
      problems.push(`a payment to a TerminalId on two boxes was answered ${refused.status}`);
    const devices = body<{ items: { id: number; boxId: string; terminalId: string }[] }>(await admin.call(serverUrl, 'GET', '/api/devices')).items;
    for (const d of devices.filter((d) => d.terminalId === terminalId && d.boxId === other.box.id))
      await admin.call(serverUrl, 'POST', `/api/devices/${d.id}/remove`);

    // A normal payment still goes through, end to end.
    const next = await till.pay(nextOrder);
    const nextStart = await honest.waitFor((m) => m['type'] === 'command' && (m['command'] as Json)['paymentUuid'] === next);
    if (nextStart === undefined) problems.push('the start command of a normal payment never reached the box');
    else honest.send({ type: 'commandReceived', commandId: nextStart['commandId'] });
    const nextId = transactionIdFromUuid(next).toString();
    await honest.event({ kind: 'transactionSent', paymentUuid: next, terminalId, transactionId: nextId, amountCents: amount });
    await honest.event({ kind: 'transactionStage', paymentUuid: next, terminalId, stage: 'WaitingForCard', stageId: 1, transactionId: nextId });
    await honest.event(result(next, terminalId, nextId, amount));
    await expectState(till, next, ['done'], 'a normal payment');
    const validated = await till.validate(nextOrder);
    if (validated.status !== 200) problems.push(`a normal order did not validate: ${validated.status} ${JSON.stringify(validated.body).slice(0, 200)}`);
    await healthy('at the end');
  } finally {
    for (const link of links) link.close();
  }
  return { sent: links.reduce((sum, link) => sum + link.sent, 0), problems };
}
