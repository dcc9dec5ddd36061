import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, logFormatFor } from './logger.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { stream, text: () => text };
}

describe('the server log', () => {
  it('is readable by a person on a terminal and JSON otherwise', () => {
    expect(logFormatFor({ isTTY: true })).toBe('pretty');
    expect(logFormatFor({ isTTY: false })).toBe('json');
    expect(logFormatFor({})).toBe('json');
  });

  it('writes one JSON object per line in the json format', async () => {
    const out = capture();
    createLogger('info', 'json', out.stream).info({ url: 'http://127.0.0.1:8080' }, 'kassa server listening');
    await new Promise((resolve) => setImmediate(resolve));
    expect(JSON.parse(out.text().trim())).toMatchObject({ level: 30, msg: 'kassa server listening', url: 'http://127.0.0.1:8080' });
  });

  it('writes a line with the time, the level and the message in the pretty format, not JSON', async () => {
    const out = capture();
    createLogger('info', 'pretty', out.stream).info({ url: 'http://127.0.0.1:8080' }, 'kassa server listening');
    await new Promise((resolve) => setImmediate(resolve));
    const first = out.text().split('\n')[0] ?? '';
    expect(first).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] INFO: kassa server listening$/);
    expect(out.text()).toContain('url: "http://127.0.0.1:8080"');
    expect(() => JSON.parse(first)).toThrow();
  });
});
