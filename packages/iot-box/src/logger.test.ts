import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, logFormatFor } from './logger.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { stream, text: () => text };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the box log', () => {
  it('is readable by a person on a terminal and JSON otherwise', () => {
    expect(logFormatFor({ isTTY: true })).toBe('pretty');
    expect(logFormatFor({ isTTY: false })).toBe('json');
  });

  it('writes JSON lines by default', async () => {
    const out = capture();
    createLogger('info', out.stream).info({ boxId: 'b1' }, 'box started');
    await tick();
    expect(JSON.parse(out.text().trim())).toMatchObject({ name: 'kassa-iotbox', msg: 'box started', boxId: 'b1' });
  });

  it('writes a readable line in the pretty format, and redacts the token there too', async () => {
    const out = capture();
    createLogger('info', out.stream, 'pretty').info({ token: 'secret-token-value', server: 'https://pos.example' }, 'box started');
    await tick();
    expect(out.text().split('\n')[0]).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] INFO \(kassa-iotbox\): box started$/);
    expect(out.text()).toContain('[redacted]');
    expect(out.text()).not.toContain('secret-token-value');
  });
});
