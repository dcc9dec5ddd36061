import { randomUUID } from 'node:crypto';
import type { BoxToServer, DeviceReport, ServerToBox } from '@kassa/contract';
import { BOX_CONTRACT_VERSION, parseServerToBox } from '@kassa/contract';
import WebSocket from 'ws';

/**
 * A box reduced to the contract: it dials the uplink, sends what it is told and keeps every server
 * message, checked against the contract. The uplink's tests drive the server with it; it can also
 * probe a running server by hand.
 */
export class FakeBox {
  readonly received: ServerToBox[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly reportedId = randomUUID();
  readonly #socket: WebSocket;
  readonly #waiters = new Set<() => void>();

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    socket.on('message', (data: Buffer) => {
      this.received.push(parseServerToBox(data.toString('utf8')));
      for (const wake of this.#waiters) wake();
    });
    socket.on('close', () => {
      for (const wake of this.#waiters) wake();
    });
  }

  /** Opens the link; rejects with the HTTP status when the server refuses the upgrade. */
  static connect(url: string, token: string | null): Promise<FakeBox> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });
      socket.once('open', () => resolve(new FakeBox(socket)));
      socket.once('unexpected-response', (_request, response) => {
        reject(new RefusedUpgrade(response.statusCode ?? 0));
        response.resume();
        socket.terminate();
      });
      socket.once('error', reject);
    });
  }

  send(message: BoxToServer | string): void {
    this.#socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Says hello and waits for the welcome. */
  async hello(devices: DeviceReport[], version = BOX_CONTRACT_VERSION): Promise<ServerToBox> {
    this.send({ type: 'hello', version, boxId: this.reportedId, software: 'fake-box 1', devices });
    return this.waitFor((m) => m.type === 'welcome' || m.type === 'error');
  }

  /** The first message (received so far or later) that matches, within the deadline. */
  waitFor(match: (message: ServerToBox) => boolean, deadlineMs = 30_000): Promise<ServerToBox> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.received.find(match);
        if (found !== undefined) return done(() => resolve(found));
        if (this.#socket.readyState === WebSocket.CLOSED) done(() => reject(new Error('the link closed before the expected message')));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no matching message within ${deadlineMs} ms`))), deadlineMs);
      const done = (finish: () => void): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        finish();
      };
      this.#waiters.add(check);
      check();
    });
  }

  close(): Promise<{ code: number; reason: string }> {
    this.#socket.close();
    return this.closed;
  }
}

export class RefusedUpgrade extends Error {
  readonly code = 'UPGRADE_REFUSED';
  constructor(readonly status: number) {
    super(`the server refused the upgrade with HTTP ${status}`);
    this.name = 'RefusedUpgrade';
  }
}
