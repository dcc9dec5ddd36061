import { describe, expect, it } from 'vitest';
import type { QueuedCommand } from '../repos/box-commands.js';
import { LocalLinks } from './local-links.js';

const command: QueuedCommand = {
  boxId: 'b',
  id: 7,
  command: { kind: 'cancelTransaction', paymentUuid: '3f0d1c52-8a4e-4c7b-9a57-1d2b6f0e9c11', terminalId: 'T1' },
};

describe('LocalLinks', () => {
  it('hands what is queued to the uplink attached, and nothing once it let go', () => {
    const links = new LocalLinks();
    links.queued(command);
    const taken: QueuedCommand[] = [];
    const detach = links.attach((c) => taken.push(c));
    links.queued(command);
    expect(taken).toEqual([command]);
    detach();
    links.queued(command);
    expect(taken).toHaveLength(1);
  });

  it('keeps a newer uplink attached when an older one lets go', () => {
    const links = new LocalLinks();
    const first: QueuedCommand[] = [];
    const second: QueuedCommand[] = [];
    const detachFirst = links.attach((c) => first.push(c));
    links.attach((c) => second.push(c));
    detachFirst();
    links.queued(command);
    expect(first).toEqual([]);
    expect(second).toEqual([command]);
  });
});
