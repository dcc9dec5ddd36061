import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame, isTyped, MAGIC, type Message } from '@kassa/protocol';
import { RawTerminal } from '../src/test-support/raw-terminal.js';
import { startTestBox } from '../src/test-support/harness.js';
import { waitFor } from '../src/test-support/wait.js';
import type { Box } from '../src/box.js';

type TestBox = Box & { port: number };
let box: TestBox;
const terminals: RawTerminal[] = [];

async function open(id: string): Promise<RawTerminal> {
  const t = await RawTerminal.hello(box.port, id);
  terminals.push(t);
  return t;
}

function body(message: Message): Record<string, unknown> {
  if (!isTyped(message)) throw new Error(`${message.type} is not typed`);
  return message.body;
}

afterEach(async () => {
  for (const t of terminals.splice(0)) t.close();
  await box?.close();
});

describe('terminal handshake', () => {
  it('answers Hello with sequence 0, the echoed ProtocolId, ResultCode 0000 and the keep-alive interval', async () => {
    box = await startTestBox();
    const t = await RawTerminal.connect(box.port, '12345678', '00000200');
    terminals.push(t);
    t.send('HelloRequest', {});
    const hello = await t.next('HelloResponse');
    expect(hello.header).toMatchObject({ protocolId: '00000200', terminalId: '12345678', ecrId: 'kassa', sequenceNumber: 0 });
    expect(body(hello)).toMatchObject({ resultCode: 0, connectionParameters: { keepAliveInterval: '5005' } });
    const version = await t.next('VersionInformationRequest');
    expect(version.header.sequenceNumber).toBe(1);
  });

  it('lists a TerminalId seen for the first time at once, online and idle', async () => {
    box = await startTestBox();
    await open('T-NEW-1');
    const terminal = box.status().terminals.find((x) => x.terminalId === 'T-NEW-1');
    expect(terminal).toMatchObject({ online: true, state: 'idle', address: expect.stringContaining('127.0.0.1') });
  });

  it('learns the model and serial number from VersionInformation', async () => {
    box = await startTestBox();
    const t = await open('55550001');
    await t.next('VersionInformationRequest');
    t.send('VersionInformationResponse', { resultCode: 0, applicationId: 'ECR-TLV', serialNumber: '216S55550001', versionString: 'Desk/5000 ECR-TLV 08.23' });
    await waitFor(() => box.registry.get('55550001')?.model === 'desk5000', 'the model');
    expect(box.registry.get('55550001')?.serialNumber).toBe('216S55550001');
  });

  it('closes a connection whose first message is not Hello', async () => {
    box = await startTestBox();
    const t = await RawTerminal.connect(box.port, '1');
    terminals.push(t);
    t.send('KeepAliveRequest', { keepAliveReason: 1 });
    await t.waitClosed();
    expect(box.status().terminals).toHaveLength(0);
  });
});

describe('keep-alive and bye', () => {
  it('echoes the keep-alive reason with ResultCode 0000 and counts sequence numbers up', async () => {
    box = await startTestBox();
    const t = await open('12345678');
    await t.next('VersionInformationRequest');
    t.send('KeepAliveRequest', { keepAliveReason: 1 });
    const first = await t.next('KeepAliveResponse');
    t.send('KeepAliveRequest', { keepAliveReason: 7 });
    const second = await t.next('KeepAliveResponse');
    expect(body(first)).toEqual({ keepAliveReason: 1, resultCode: 0 });
    expect(body(second)).toEqual({ keepAliveReason: 7, resultCode: 0 });
    expect([first.header.sequenceNumber, second.header.sequenceNumber]).toEqual([2, 3]);
  });

  it('answers a keep-alive without a reason instead of dropping the terminal', async () => {
    box = await startTestBox();
    const t = await open('12345678');
    t.send('KeepAliveRequest', {});
    expect(body(await t.next('KeepAliveResponse'))).toEqual({ resultCode: 0 });
  });

  it('answers a terminal ByeRequest with ByeResponse and shows the terminal offline', async () => {
    box = await startTestBox();
    const t = await open('12345678');
    t.send('ByeRequest', { byeReason: 2 });
    await t.next('ByeResponse');
    await t.waitClosed();
    await waitFor(() => box.registry.get('12345678')?.online === false, 'the terminal to go offline');
    expect(box.registry.get('12345678')?.lastCloseReason).toBe('BYE');
  });

  it('says Bye to every terminal when it stops', async () => {
    box = await startTestBox();
    const t = await open('12345678');
    const closing = box.close();
    const bye = await t.next('ByeRequest');
    expect(body(bye).byeReason).toBe(4);
    t.send('ByeResponse', { resultCode: 0 });
    await closing;
    await t.waitClosed();
  });
});

describe('isolation of a misbehaving terminal', () => {
  async function healthyPair(): Promise<RawTerminal> {
    const healthy = await open('HEALTHY1');
    await healthy.next('VersionInformationRequest');
    return healthy;
  }

  async function stillHealthy(healthy: RawTerminal): Promise<void> {
    healthy.send('KeepAliveRequest', { keepAliveReason: 1 });
    await healthy.next('KeepAliveResponse');
    expect(healthy.closed).toBe(false);
    expect(box.registry.get('HEALTHY1')?.online).toBe(true);
  }

  it('drops a terminal that sends garbage bytes and nobody else', async () => {
    box = await startTestBox();
    const healthy = await healthyPair();
    const bad = await open('GARBAGE1');
    bad.sendBytes(Uint8Array.from([0x00, 0x00, 0x00, 0x20, ...Buffer.from('NOT-ECR!'), 1, 2, 3]));
    await bad.waitClosed();
    await waitFor(() => box.registry.get('GARBAGE1')?.lastCloseReason === 'FRAME_ERROR', 'the close reason');
    await stillHealthy(healthy);
  });

  it('drops a terminal that announces a huge frame before buffering it', async () => {
    box = await startTestBox();
    const healthy = await healthyPair();
    const bad = await open('HUGE0001');
    bad.sendBytes(Uint8Array.from([0x7f, 0xff, 0xff, 0xff, ...MAGIC]));
    await bad.waitClosed();
    await stillHealthy(healthy);
  });

  it('drops a terminal that stalls in the middle of a frame after the idle timeout', async () => {
    box = await startTestBox({ halfFrameTimeoutMs: 200 });
    const healthy = await healthyPair();
    const bad = await open('STALL001');
    const frame = bad.frame('KeepAliveRequest', { keepAliveReason: 1 });
    bad.sendBytes(frame.subarray(0, 20));
    await bad.waitClosed();
    await waitFor(() => box.registry.get('STALL001')?.lastCloseReason === 'HALF_FRAME_TIMEOUT', 'the close reason');
    await stillHealthy(healthy);
  });

  it('drops a terminal that stays silent past the silence timeout', async () => {
    box = await startTestBox({ silenceTimeoutMs: 200 });
    const quiet = await open('QUIET001');
    await quiet.waitClosed();
    await waitFor(() => box.registry.get('QUIET001')?.lastCloseReason === 'SILENT', 'the close reason');
    expect(box.registry.get('QUIET001')?.online).toBe(false);
  });

  it('reassembles a frame split into single bytes', async () => {
    box = await startTestBox();
    const t = await open('SPLIT001');
    const frame = t.frame('KeepAliveRequest', { keepAliveReason: 3 });
    for (const byte of frame) {
      t.sendBytes(Uint8Array.of(byte));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(body(await t.next('KeepAliveResponse'))).toEqual({ keepAliveReason: 3, resultCode: 0 });
  });

  it('skips and reports a frame with a bad MDC, then closes the connection when they keep coming', async () => {
    box = await startTestBox({ maxBadFrames: 2 });
    const healthy = await healthyPair();
    const t = await open('MDCBAD01');
    const broken = t.frame('KeepAliveRequest', { keepAliveReason: 1 });
    broken[broken.length - 1]! ^= 0xff;
    t.sendBytes(broken);
    t.send('KeepAliveRequest', { keepAliveReason: 2 });
    expect(body(await t.next('KeepAliveResponse'))).toEqual({ keepAliveReason: 2, resultCode: 0 });
    const again = t.frame('KeepAliveRequest', { keepAliveReason: 1 });
    again[again.length - 1]! ^= 0xff;
    t.sendBytes(again);
    await t.waitClosed();
    await waitFor(() => box.registry.get('MDCBAD01')?.lastCloseReason === 'MDC_MISMATCH', 'the close reason');
    await stillHealthy(healthy);
  });

  it('closes a connection that suddenly speaks for another TerminalId', async () => {
    box = await startTestBox();
    const t = await open('ORIGINAL');
    t.sendBytes(
      encodeFrame({ type: 'KeepAliveRequest', header: { protocolId: '00000100', terminalId: 'IMPOSTOR', sequenceNumber: 1 }, body: { keepAliveReason: 1 } }),
    );
    await t.waitClosed();
    expect(box.registry.get('IMPOSTOR')).toBeUndefined();
  });

  it('refuses addresses outside --allow before reading a byte', async () => {
    box = await startTestBox({ allow: '10.0.0.0/8' });
    const t = await RawTerminal.connect(box.port, 'OUTSIDE1');
    terminals.push(t);
    await t.waitClosed();
    expect(box.status().terminals).toHaveLength(0);
  });
});

describe('reconnects', () => {
  it('replaces the old session when a terminal connects again, closing the old socket', async () => {
    box = await startTestBox();
    const first = await open('RECONN01');
    const second = await open('RECONN01');
    await first.waitClosed();
    second.send('KeepAliveRequest', { keepAliveReason: 1 });
    await second.next('KeepAliveResponse');
    expect(box.registry.get('RECONN01')?.online).toBe(true);
    expect(box.status().terminals).toHaveLength(1);
  });
});
