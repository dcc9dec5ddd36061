import { describe, expect, it } from 'vitest';
import { errorCode } from '../test-support/errors.js';
import { checkMarkFailedWhilePending } from './payments.js';

describe('marking a pending payment failed by hand', () => {
  it('is allowed while the start cannot reach the terminal: box offline, command never confirmed', () => {
    expect(() => checkMarkFailedWhilePending({ boxOnline: false, startDelivered: false })).not.toThrow();
  });

  it.each([
    ['the box is online', { boxOnline: true, startDelivered: false }, /box is online/],
    ['the box confirmed the start command', { boxOnline: false, startDelivered: true }, /already received the start command/],
    ['both', { boxOnline: true, startDelivered: true }, /already received the start command/],
  ])('is refused when %s, saying why', (_why, reach, message) => {
    expect(errorCode(() => checkMarkFailedWhilePending(reach))).toBe('KASSA_PAYMENT_STATE');
    expect(() => checkMarkFailedWhilePending(reach)).toThrow(message);
  });
});
