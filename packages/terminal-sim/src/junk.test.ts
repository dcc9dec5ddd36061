import { FrameDecoder, TlvErrorCode, type TlvError } from '@kassa/protocol';
import { describe, expect, it } from 'vitest';
import { junkBytes } from './junk.js';
import { seededRandom } from './random.js';

const header = { protocolId: '00000100', terminalId: '12345678', ecrId: 'odoo', sequenceNumber: 3 };

function feed(bytes: Uint8Array): { messages: number; errors: TlvError[]; buffered: number } {
  const errors: TlvError[] = [];
  let messages = 0;
  const decoder = new FrameDecoder({ onMessage: () => messages++, onError: (e) => errors.push(e) });
  decoder.push(bytes);
  return { messages, errors, buffered: decoder.buffered };
}

describe('junk bytes', () => {
  it('bad-mdc is a whole frame that fails only its MDC check', () => {
    const result = feed(junkBytes('bad-mdc', header, seededRandom(1)));
    expect(result.errors.map((e) => [e.code, e.fatal])).toEqual([[TlvErrorCode.MdcMismatch, false]]);
  });

  it('bad-tlv is a frame whose content cannot be read, but the stream can', () => {
    const result = feed(junkBytes('bad-tlv', header, seededRandom(1)));
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.fatal).toBe(false);
  });

  it('random bytes and a 2 GiB prefix leave the stream unreadable', () => {
    for (let seed = 1; seed < 50; seed++) {
      expect(feed(junkBytes('random', header, seededRandom(seed))).errors[0]?.fatal).toBe(true);
    }
    expect(feed(junkBytes('huge-length', header, seededRandom(1))).errors.map((e) => e.code)).toEqual([TlvErrorCode.FrameTooLarge]);
  });

  it('half-frame leaves a pending half that never completes on its own', () => {
    const result = feed(junkBytes('half-frame', header, seededRandom(1)));
    expect(result).toMatchObject({ messages: 0, errors: [] });
    expect(result.buffered).toBeGreaterThan(0);
  });

  it('the same seed gives the same random bytes', () => {
    expect(junkBytes('random', header, seededRandom(7))).toEqual(junkBytes('random', header, seededRandom(7)));
  });
});
