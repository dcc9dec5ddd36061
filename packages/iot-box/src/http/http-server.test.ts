import { afterEach, describe, expect, it } from 'vitest';
import type { Box } from '../box.js';
import { startTestBox } from '../test-support/harness.js';
import { RawTerminal } from '../test-support/raw-terminal.js';

let box: (Box & { port: number }) | undefined;
afterEach(async () => {
  await box?.close();
});

describe('the status HTTP server', () => {
  it('GET /healthz answers ok', async () => {
    box = await startTestBox();
    const response = await fetch(`http://127.0.0.1:${box.httpAddress!.port}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('GET /status lists the box and every terminal as JSON', async () => {
    box = await startTestBox();
    const t = await RawTerminal.hello(box.port, 'STATUS01');
    const response = await fetch(`http://127.0.0.1:${box.httpAddress!.port}/status`);
    const status = (await response.json()) as Record<string, unknown>;
    t.close();
    expect(status).toMatchObject({ boxId: box.boxId, software: expect.stringContaining('kassa-iotbox'), server: { configured: false, state: 'none' } });
    expect(status.terminals).toEqual([expect.objectContaining({ terminalId: 'STATUS01', online: true, state: 'idle', model: 'unknown', transaction: null })]);
  });

  it('GET /status for a browser is a page that refreshes itself and escapes terminal ids', async () => {
    box = await startTestBox();
    const t = await RawTerminal.hello(box.port, '<b>X</b>');
    const response = await fetch(`http://127.0.0.1:${box.httpAddress!.port}/status`, { headers: { accept: 'text/html' } });
    const html = await response.text();
    t.close();
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('http-equiv="refresh"');
    expect(html).toContain('&lt;b&gt;X&lt;/b&gt;');
    expect(html).not.toContain('<b>X</b>');
  });

  it('GET /metrics gives the journal, uplink and terminals in the Prometheus format, with event-loop delay', async () => {
    box = await startTestBox();
    const t = await RawTerminal.hello(box.port, 'METRIC01');
    const response = await fetch(`http://127.0.0.1:${box.httpAddress!.port}/metrics`);
    const text = await response.text();
    t.close();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(text).toMatch(/^kassa_box_journal_bytes [1-9]\d*$/m);
    expect(text).toMatch(/^kassa_box_journal_compactions_total \d+$/m);
    expect(text).toContain('kassa_box_uplink_state{state="none"} 1');
    expect(text).toContain('kassa_box_uplink_state{state="ready"} 0');
    expect(text).toContain('kassa_box_terminals{online="true"} 1');
    expect(text).toMatch(/^kassa_box_nodejs_eventloop_lag_p99_seconds /m);
  });

  it('answers 404 elsewhere and 405 to anything but GET', async () => {
    box = await startTestBox();
    const base = `http://127.0.0.1:${box.httpAddress!.port}`;
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/status`, { method: 'POST' })).status).toBe(405);
  });
});
