import { describe, expect, it } from 'vitest';
import { SimErrorCode, type SimError } from './errors.js';
import { SimResultCode } from './ledger.js';
import type { TerminalHandle } from './terminal.js';
import { keepAliveIntervalFrom } from './responses.js';
import { startTerminal } from './terminal.js';
import { MiniBox } from './test-support/mini-box.js';
import { useBox } from './test-support/harness.js';
import { waitUntil } from './test-support/wait.js';

const { box, start } = useBox();

function errorsOf(terminal: TerminalHandle): SimError[] {
  const errors: SimError[] = [];
  terminal.events.on('error', (error: SimError) => errors.push(error));
  return errors;
}

describe('LastTransactionRequest', () => {
  it('answers a non-zero ResultCode before any transaction', async () => {
    const { session } = await start();
    session.sendLastTransaction();
    const answer = await session.waitFor((m) => m.type === 'LastTransactionResponse', 'LastTransactionResponse');
    expect(answer.body.resultCode).toBe(SimResultCode.NoTransaction);
  });

  it('answers with the last transaction after a reconnect', async () => {
    const { terminal, session } = await start({ scenario: 'decline' });
    session.sendTransaction(77n, 4321);
    await session.waitForFinal(77n);
    terminal.disconnect();
    const next = await box().session('12345678', session);
    await waitUntil(() => terminal.isConnected, 'hello again');
    next.sendLastTransaction(77n);
    const answer = await next.waitFor((m) => m.type === 'LastTransactionResponse', 'LastTransactionResponse');
    expect(answer.body).toMatchObject({ resultCode: 0, transactionId: 77n, transactionResult: 2, transactionData: { amount: 4321 } });
    expect(answer.body.tickets?.[0]?.ticketBody).toContain('GEWEIGERD');
  });

  it('about the running transaction, waits for its end before answering', async () => {
    const { terminal, session } = await start({ scenario: 'approve', manualKeys: true });
    session.sendTransaction(88n, 100);
    await session.waitFor((m) => m.body.transactionStage === 1, 'WaitingForCard');
    session.sendLastTransaction(88n);
    terminal.press('card');
    await waitUntil(() => session.received.some((m) => m.body.transactionStage === 2), 'WaitingForPin');
    expect(session.trace()).not.toContain('LastTransactionResponse:0');
    terminal.press('pin-ok');
    const answer = await session.waitFor((m) => m.type === 'LastTransactionResponse', 'LastTransactionResponse');
    expect(answer.body).toMatchObject({ transactionId: 88n, transactionResult: 0 });
  });
});

describe('checking the box', () => {
  it('closes the connection on a wrong sequence number, then reconnects', async () => {
    const { terminal, session } = await start();
    const errors = errorsOf(terminal);
    session.send('TransactionRequest', { transactionId: 1n, transactionData: { amount: 100 } }, { sequenceNumber: 5 });
    await session.waitClosed();
    expect(errors.map((e) => e.code)).toEqual([SimErrorCode.BadSequence]);
    await box().session('12345678', session);
    expect(terminal.ledger).toEqual([]);
  });

  it('closes the connection on a wrong MDC', async () => {
    const { terminal, session } = await start();
    const errors = errorsOf(terminal);
    session.send('VersionInformationRequest', {}, { corruptMdc: true });
    await session.waitClosed();
    expect(errors.map((e) => e.code)).toEqual([SimErrorCode.BadFrame]);
  });

  it('accepts sequence numbers that wrap from 65535 to 0', async () => {
    const { terminal, session } = await start();
    const errors = errorsOf(terminal);
    for (let i = 1; i <= 65535; i++) session.send('KeepAliveResponse', { keepAliveReason: 1, resultCode: 0 });
    session.send('VersionInformationRequest', {});
    const answer = await session.waitFor((m) => m.type === 'VersionInformationResponse', 'the answer to frame 65536');
    expect(answer.body.resultCode).toBe(0);
    expect(errors).toEqual([]);
    expect(session.closed).toBe(false);
  });

  it('reconnects when the KeepAliveResponse does not come', async () => {
    const { terminal, session } = await start({ keepAliveIntervalMs: 20, keepAliveTimeoutMs: 60 });
    const errors = errorsOf(terminal);
    await session.waitFor((m) => m.type === 'KeepAliveRequest', 'a keep-alive');
    session.answerKeepAlive = false;
    await session.waitClosed();
    expect(errors.map((e) => e.code)).toContain(SimErrorCode.KeepAliveTimeout);
    const next = await box().session('12345678', session);
    await next.waitFor((m) => m.type === 'KeepAliveRequest', 'keep-alives on the new connection');
  });

  it('keeps alive at the given interval while the box answers', async () => {
    const { session } = await start({ keepAliveIntervalMs: 10 });
    await waitUntil(() => session.received.filter((m) => m.type === 'KeepAliveRequest').length >= 5, 'five keep-alives');
    expect(session.received.find((m) => m.type === 'KeepAliveRequest')?.body.keepAliveReason).toBe(1);
    expect(session.closed).toBe(false);
  });
});

describe('version, bye and the keep-alive interval', () => {
  it('reports the serial number and version of its model', async () => {
    const { session } = await start({ model: 'move5000', terminalId: '87654321' });
    session.send('VersionInformationRequest', {});
    const answer = await session.waitFor((m) => m.type === 'VersionInformationResponse', 'version');
    expect(answer.body.serialNumber).toBe('218S87654321');
    expect(answer.body.versionString).toContain('Move/5000');
  });

  it('reports the serial number it was given, and dials from the local address it was given', async () => {
    const { session } = await start({ serialNumber: 'IMPOSTOR-0001', localAddress: '127.0.0.2' });
    session.send('VersionInformationRequest', {});
    const answer = await session.waitFor((m) => m.type === 'VersionInformationResponse', 'version');
    expect(answer.body.serialNumber).toBe('IMPOSTOR-0001');
    expect(session.remoteAddress).toMatch(/127\.0\.0\.2$/);
  });

  it('answers the box ByeRequest, lets the line close and dials again', async () => {
    const { session } = await start();
    session.send('ByeRequest', { byeReason: 4 });
    await session.waitFor((m) => m.type === 'ByeResponse', 'ByeResponse');
    await session.waitClosed();
    await box().session('12345678', session);
  });

  it('says ByeRequest (Shutdown) when closed', async () => {
    const { terminal, session } = await start();
    await terminal.close();
    const bye = session.received.find((m) => m.type === 'ByeRequest');
    expect(bye?.body.byeReason).toBe(2);
    expect(terminal.isConnected).toBe(false);
  });

  it('reads the deployed box "5005" as about five seconds', () => {
    expect(keepAliveIntervalFrom({ connectionParameters: { keepAliveInterval: '5005' } })).toBe(5005);
    expect(keepAliveIntervalFrom({})).toBe(5000);
    expect(keepAliveIntervalFrom({ connectionParameters: { keepAliveInterval: '0001' } })).toBe(1000);
  });
});

describe('dialling', () => {
  it('keeps dialling with back-off until the box appears', async () => {
    const probe = await MiniBox.start();
    const port = probe.port;
    await probe.close();
    const terminal = startTerminal({ box: { host: '127.0.0.1', port }, terminalId: '60000001', reconnect: { initialMs: 5, maxMs: 20 } });
    let failures = 0;
    terminal.events.on('disconnected', () => failures++);
    try {
      await waitUntil(() => failures >= 3, 'three failed dials');
      const late = await MiniBox.start({ port });
      try {
        await terminal.ready();
        expect((await late.session('60000001')).trace()).toEqual(['HelloRequest']);
      } finally {
        await terminal.close();
        await late.close();
      }
    } finally {
      await terminal.close();
    }
  });

  it('rejects ready() when closed before any HelloResponse', async () => {
    const probe = await MiniBox.start();
    const port = probe.port;
    await probe.close();
    const terminal = startTerminal({ box: { host: '127.0.0.1', port }, terminalId: '60000002' });
    const ready = terminal.ready();
    await terminal.close();
    await expect(ready).rejects.toMatchObject({ code: SimErrorCode.Socket });
  });

  it('answers LastTicketRequest with the last tickets', async () => {
    const { session } = await start({ scenario: 'approve', language: 'en' });
    session.sendTransaction(66n, 660);
    await session.waitForFinal(66n);
    session.send('LastTicketRequest', {});
    const answer = await session.waitFor((m) => m.type === 'LastTicketResponse', 'LastTicketResponse');
    expect(answer.body.transactionId).toBe(66n);
    expect(answer.body.tickets?.[1]?.ticketBody).toContain('APPROVED');
  });
});
