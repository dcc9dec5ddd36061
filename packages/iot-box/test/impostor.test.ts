import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startTerminal, type TerminalHandle } from '@kassa/terminal-sim';
import type { Box, BoxOptions } from '../src/box.js';
import type { BoxStatus } from '../src/http/status.js';
import { FakeServer } from '../src/test-support/fake-server.js';
import { startTestBox } from '../src/test-support/harness.js';
import { RawTerminal } from '../src/test-support/raw-terminal.js';
import { waitFor } from '../src/test-support/wait.js';

// The Ingenico protocol has no authentication: anything on the shop network can dial port 9000
// and claim a TerminalId. These tests dial from a second loopback address (127.0.0.2) as another
// machine on the shop network would.

const TOKEN = 'test-token-123';
let box: (Box & { port: number }) | undefined;
let server: FakeServer | undefined;
const closers: (() => unknown)[] = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  await box?.close();
  await server?.close();
  box = undefined;
  server = undefined;
});

async function setup(options: BoxOptions = {}): Promise<Box & { port: number }> {
  server = await FakeServer.start({ token: TOKEN });
  box = await startTestBox({ server: server.url, token: TOKEN, ...options });
  await waitFor(() => server!.hellos > 0, 'the box hello');
  return box;
}

function emulator(terminalId: string, extra: { serialNumber?: string; localAddress?: string } = {}): TerminalHandle {
  const t = startTerminal({
    box: `127.0.0.1:${box!.port}`,
    terminalId,
    scenario: 'approve',
    stageDelayMs: 5,
    reconnect: { initialMs: 20, maxMs: 100 },
    ...extra,
  });
  closers.push(() => t.close());
  return t;
}

async function rawFrom(localAddress: string, terminalId: string): Promise<RawTerminal> {
  const t = await RawTerminal.connect(box!.port, terminalId, '00000100', localAddress);
  closers.push(() => t.close());
  t.send('HelloRequest', {});
  return t;
}

async function status(): Promise<BoxStatus> {
  const at = box!.httpAddress!;
  return (await (await fetch(`http://${at.host}:${at.port}/status`)).json()) as BoxStatus;
}

describe('a second connection claiming the TerminalId of an online terminal', () => {
  it('from another address is refused and closed; the online session stays and takes the payment', async () => {
    await setup();
    const real = emulator('12345678');
    await real.ready();
    await waitFor(() => box!.registry.get('12345678')?.serialNumber === '216S12345678', 'the real serial number');
    const session = box!.registry.get('12345678')!.session;

    const impostor = emulator('12345678', { serialNumber: '999S00000000', localAddress: '127.0.0.2' });
    let dials = 0;
    impostor.events.on('connected', () => dials++);
    await waitFor(() => dials >= 3, 'three attempts of the impostor');
    expect(impostor.isConnected).toBe(false);
    expect(box!.registry.get('12345678')).toMatchObject({ online: true, address: expect.stringMatching(/127\.0\.0\.1$/), serialNumber: '216S12345678' });
    expect(box!.registry.get('12345678')!.session).toBe(session);

    const paymentUuid = randomUUID();
    server!.command({ kind: 'startTransaction', paymentUuid, terminalId: '12345678', amountCents: 1234 });
    const result = await waitFor(() => server!.eventsOf('transactionResult', paymentUuid)[0], 'the result');
    expect(result).toMatchObject({ result: 'Approved', amountCents: 1234 });
    expect(real.ledger).toHaveLength(1);
    expect(impostor.ledger).toHaveLength(0);

    const shown = await status();
    expect(shown.terminalConflicts.total).toBeGreaterThanOrEqual(3);
    expect(shown.terminalConflicts.recent[0]).toMatchObject({
      terminalId: '12345678',
      address: expect.stringMatching(/127\.0\.0\.2$/),
      reason: 'otherAddress',
      at: expect.any(String),
    });
    expect(shown.terminals).toEqual([expect.objectContaining({ terminalId: '12345678', online: true, address: expect.stringMatching(/127\.0\.0\.1$/) })]);
    expect(box!.registry.get('12345678')!.lastCloseReason).toBeNull();

    // Reported to the server once for the claimant, with the attempts it stands for, not once per attempt.
    const reported = await waitFor(() => server!.eventsOf('terminalConflict')[0], 'the conflict event');
    expect(reported).toMatchObject({
      terminalId: '12345678',
      address: expect.stringMatching(/127\.0\.0\.2$/),
      serialNumber: null,
      reason: 'otherAddress',
      attempts: 1,
    });
    expect(server!.eventsOf('terminalConflict')).toHaveLength(1);
  });

  it('from the same address with another serial number is refused once it shows its serial number', async () => {
    await setup();
    const real = emulator('23456789');
    await real.ready();
    await waitFor(() => box!.registry.get('23456789')?.serialNumber === '216S23456789', 'the real serial number');
    const session = box!.registry.get('23456789')!.session;

    const claimant = await rawFrom('127.0.0.1', '23456789');
    await claimant.next('HelloResponse');
    await claimant.next('VersionInformationRequest');
    claimant.send('KeepAliveRequest', { keepAliveReason: 1 });
    await claimant.next('KeepAliveResponse');
    expect(box!.registry.get('23456789')!.session).toBe(session);
    claimant.send('VersionInformationResponse', { resultCode: 0, serialNumber: '999S99999999', versionString: 'Lane/5000' });
    await claimant.waitClosed();
    expect(box!.registry.get('23456789')).toMatchObject({ online: true, serialNumber: '216S23456789' });
    expect(box!.registry.get('23456789')!.session).toBe(session);
    expect(box!.status().terminalConflicts.recent[0]).toMatchObject({ reason: 'otherSerialNumber', serialNumber: '999S99999999' });
    await waitFor(() => server!.eventsOf('terminalConflict')[0], 'the conflict event');
  });

  it('from the same address that does not say its serial number in time is refused', async () => {
    await setup({ identifyTimeoutMs: 200 });
    const real = emulator('34567890');
    await real.ready();
    await waitFor(() => box!.registry.get('34567890')?.serialNumber !== null, 'the real serial number');
    const claimant = await rawFrom('127.0.0.1', '34567890');
    await claimant.waitClosed();
    expect(box!.status().terminalConflicts.recent[0]).toMatchObject({ terminalId: '34567890', reason: 'notIdentified' });
    expect(box!.registry.get('34567890')?.online).toBe(true);
  });

  it('from the same address with the same serial number is the terminal back on a new connection: it replaces the old one', async () => {
    await setup();
    const first = await rawFrom('127.0.0.1', '45678901');
    await first.next('VersionInformationRequest');
    first.send('VersionInformationResponse', { resultCode: 0, serialNumber: '216S45678901', versionString: 'Lane/5000' });
    await waitFor(() => box!.registry.get('45678901')?.serialNumber === '216S45678901', 'the serial number');

    const again = await rawFrom('127.0.0.1', '45678901');
    await again.next('VersionInformationRequest');
    again.send('VersionInformationResponse', { resultCode: 0, serialNumber: '216S45678901', versionString: 'Lane/5000' });
    await first.waitClosed();
    await waitFor(() => box!.registry.get('45678901')?.lastCloseReason === null && box!.registry.get('45678901')?.online, 'online on the new connection');
    again.send('KeepAliveRequest', { keepAliveReason: 1 });
    await again.next('KeepAliveResponse');
    expect(again.closed).toBe(false);
    expect(box!.status().terminalConflicts.total).toBe(0);
  });

  it('is taken when the terminal is offline: there is no one to compare with, and its address and serial are reported', async () => {
    await setup();
    const first = await rawFrom('127.0.0.1', '56789012');
    await first.next('VersionInformationRequest');
    first.send('VersionInformationResponse', { resultCode: 0, serialNumber: '216S56789012', versionString: 'Lane/5000' });
    await waitFor(() => box!.registry.get('56789012')?.serialNumber === '216S56789012', 'the serial number');
    first.close();
    await waitFor(() => box!.registry.get('56789012')?.online === false, 'offline');

    const other = await rawFrom('127.0.0.2', '56789012');
    await other.next('VersionInformationRequest');
    other.send('VersionInformationResponse', { resultCode: 0, serialNumber: '999S00000001', versionString: 'Lane/5000' });
    await waitFor(
      () =>
        server!
          .eventsOf('device')
          .find((e) => e.device.terminalId === '56789012' && e.device.serialNumber === '999S00000001' && e.device.address?.endsWith('127.0.0.2')),
      'the new serial and address reported to the server',
    );
  });
});
