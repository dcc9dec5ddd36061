import { afterEach, beforeEach } from 'vitest';
import { startTerminal, type TerminalHandle } from '../terminal.js';
import type { TerminalOptions } from '../options.js';
import { MiniBox, type BoxSession } from './mini-box.js';

/** A mini box per test and terminals that are closed after it. */
export function useBox(): { box: () => MiniBox; start: (options?: Partial<TerminalOptions>) => Promise<{ terminal: TerminalHandle; session: BoxSession }> } {
  let box: MiniBox | undefined;
  const terminals: TerminalHandle[] = [];
  beforeEach(async () => {
    box = await MiniBox.start();
  });
  afterEach(async () => {
    await Promise.all(terminals.splice(0).map((t) => t.close()));
    await box?.close();
  });
  const current = (): MiniBox => {
    if (!box) throw new Error('no box');
    return box;
  };
  return {
    box: current,
    start: async (options = {}) => {
      const terminal = startTerminal({ box: current().address, terminalId: '12345678', stageDelayMs: 2, reconnect: { initialMs: 10, maxMs: 50 }, ...options });
      terminals.push(terminal);
      await terminal.ready();
      const session = await current().session(terminal.terminalId);
      return { terminal, session };
    },
  };
}
