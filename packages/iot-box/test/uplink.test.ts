import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startTerminal, type TerminalHandle } from '@kassa/terminal-sim';
import { FakeServer } from '../src/test-support/fake-server.js';
import { startTestBox } from '../src/test-support/harness.js';
import { waitFor } from '../src/test-support/wait.js';
import type { Box } from '../src/box.js';

const TOKEN = 'test-token-123';
let box: (Box & { port: number }) | undefined;
const servers: FakeServer[] = [];
const terminals: TerminalHandle[] = [];

afterEach(async () => {
  await Promise.all(terminals.splice(0).map((t) => t.close()));
  await box?.close();
  box = undefined;
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(options: { port?: number; autoAck?: boolean; token?: string } = {}): Promise<FakeServer> {
  const s = await FakeServer.start({ token: TOKEN, ...options });
  servers.push(s);
  return s;
}

async function freePort(): Promise<number> {
  const s = await FakeServer.start();
  const port = s.port;
  await s.close();
  return port;
}

async function terminal(terminalId: string): Promise<TerminalHandle> {
  const t = startTerminal({ box: `127.0.0.1:${box!.port}`, terminalId, scenario: 'approve', stageDelayMs: 5, reconnect: { initialMs: 20, maxMs: 200 } });
  terminals.push(t);
  await t.ready();
  await waitFor(() => box!.registry.get(terminalId)?.online, `${terminalId} online`);
  return t;
}

function pay(terminalId: string): string {
  const paymentUuid = randomUUID();
  box!.execute({ kind: 'startTransaction', paymentUuid, terminalId, amountCents: 990 });
  return paymentUuid;
}

describe('the uplink', () => {
  it('runs and serves terminals with no server reachable, then delivers everything in order when it appears', async () => {
    const port = await freePort();
    box = await startTestBox({ server: `http://127.0.0.1:${port}`, token: TOKEN });
    const t = await terminal('90000001');
    const uuid = pay('90000001');
    await waitFor(() => t.ledger.length === 1, 'the payment on the terminal');
    await waitFor(() => box!.status().terminals[0]?.state === 'idle', 'the terminal idle again');
    expect(box.status().server.state).not.toBe('ready');
    const pending = box.status().server.pendingEvents;
    expect(pending).toBeGreaterThan(3);

    const s = await server({ port });
    await waitFor(() => box!.status().server.pendingEvents === 0, 'the outbox to drain');
    expect(s.eventsOf('transactionResult', uuid)).toHaveLength(1);
    const kinds = s.eventsOf('transactionSent', uuid).length + s.eventsOf('transactionStage', uuid).length;
    expect(kinds).toBeGreaterThan(1);
    const ids = [...s.events.keys()].map((id) => Number(id.split(':')[1]));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(s.messages[0]).toMatchObject({ type: 'hello', devices: [expect.objectContaining({ terminalId: '90000001', model: 'lane5000' })] });
  });

  it('keeps events while the server is away and catches up when it returns', async () => {
    const s = await server();
    box = await startTestBox({ server: s.url, token: TOKEN });
    await waitFor(() => s.hellos === 1, 'hello');
    const t = await terminal('90000002');
    await s.close();
    servers.splice(servers.indexOf(s), 1);
    const uuid = pay('90000002');
    await waitFor(() => t.ledger.length === 1, 'the payment');
    const back = await server({ port: s.port });
    await waitFor(() => back.eventsOf('transactionResult', uuid).length === 1, 'the result after the return');
    await waitFor(() => box!.status().server.state === 'ready', 'the link ready');
    expect(back.hellos).toBe(1);
    expect(back.invalid).toEqual([]);
  });

  it('sends unacknowledged events again after a reconnect, and never acknowledged ones', async () => {
    const s = await server({ autoAck: false });
    box = await startTestBox({ server: s.url, token: TOKEN });
    await terminal('90000003');
    const uuid = pay('90000003');
    await waitFor(() => s.eventsOf('transactionResult', uuid)[0], 'the result');
    const ids = [...s.events.keys()];
    const half = ids.slice(0, Math.floor(ids.length / 2));
    s.ack(half);
    s.ack(half);
    s.ack(['999:1']);
    await waitFor(() => box!.status().server.pendingEvents === ids.length - half.length, 'the acks applied');
    s.dropConnections();
    await waitFor(() => s.hellos === 2 && s.duplicates.length === ids.length - half.length, 'the unacknowledged events resent');
    expect(s.duplicates).toEqual(ids.slice(half.length));
  });

  it('answers malformed server messages with an error and changes nothing', async () => {
    const s = await server();
    box = await startTestBox({ server: s.url, token: TOKEN });
    const t = await terminal('90000004');
    await waitFor(() => s.connected && box!.status().server.state === 'ready', 'ready');
    const before = s.events.size;
    s.sendRaw('{nope');
    s.sendRaw('{"type":"ack","ids":[]}');
    s.sendRaw(
      JSON.stringify({
        type: 'command',
        commandId: 5,
        command: { kind: 'startTransaction', paymentUuid: randomUUID(), terminalId: '90000004', amountCents: 1.5 },
      }),
    );
    s.sendRaw(JSON.stringify({ type: 'command', commandId: 6, command: { kind: 'launch', paymentUuid: randomUUID(), terminalId: '90000004' } }));
    const errors = await waitFor(() => {
      const found = s.messages.filter((m) => m.type === 'error');
      return found.length === 4 ? found : undefined;
    }, 'four error answers');
    expect(errors.map((e) => (e.type === 'error' ? e.code : ''))).toEqual(['CONTRACT_BAD_JSON', 'CONTRACT_INVALID', 'CONTRACT_INVALID', 'CONTRACT_INVALID']);
    expect(t.ledger).toHaveLength(0);
    expect(s.commandsReceived.size).toBe(0);
    expect(s.events.size).toBe(before);
    expect(box.status().terminals[0]?.state).toBe('idle');
  });

  it('keeps serving terminals when the server refuses its token, and says why on /status', async () => {
    const s = await server({ token: 'another-token-456' });
    box = await startTestBox({ server: s.url, token: TOKEN });
    const t = await terminal('90000005');
    await waitFor(() => s.refusedUpgrades >= 2, 'two refused dials');
    expect(box.status().server.lastError).toContain('401');
    pay('90000005');
    await waitFor(() => t.ledger.length === 1, 'the payment');
  });
});
