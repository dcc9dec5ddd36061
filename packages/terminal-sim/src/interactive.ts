import { createInterface } from 'node:readline';
import type { LedgerEntry } from './ledger.js';
import { modelInfo, type ModelName } from './models.js';
import { keyCommand, renderScreen, type ScreenState } from './screen.js';
import type { TerminalHandle } from './terminal.js';
import type { Language } from './texts.js';

/**
 * Shows the terminal's screen in the shell and turns keys into keypad presses.
 * With a TTY it reads single keys and redraws in place; otherwise it reads one
 * word per line (card, pin, stop, remove, quit) and prints each new screen.
 */
export function runInteractive(terminal: TerminalHandle, model: ModelName, language: Language, quit: () => void): void {
  let state: ScreenState = {
    model: modelInfo(model).label,
    terminalId: terminal.terminalId,
    online: false,
    language,
    text: '…',
    amountCents: undefined,
    lastResult: undefined,
  };
  const tty = process.stdin.isTTY === true && process.stdout.isTTY === true;
  const draw = (): void => {
    const lines = renderScreen(state).join('\n');
    process.stdout.write(tty ? `\u001b[2J\u001b[H${lines}\n` : `${lines}\n`);
  };
  const update = (change: Partial<ScreenState>): void => {
    state = { ...state, ...change };
    draw();
  };
  terminal.events.on('hello', () => update({ online: true, text: 'Kassa' }));
  terminal.events.on('disconnected', () => update({ online: false }));
  terminal.events.on('screen', (text: string) => update({ text }));
  terminal.events.on('transaction-started', (tx: { amountCents: number }) => update({ amountCents: tx.amountCents }));
  terminal.events.on('transaction-finished', (entry: LedgerEntry) => update({ lastResult: `${entry.result} ${entry.transactionId}` }));
  const handle = (input: string): void => {
    const command = keyCommand(input);
    if (command === undefined) return;
    if (command === 'quit') quit();
    else terminal.press(command);
  };
  if (tty) {
    process.stdin.setRawMode(true);
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (key: string) => handle(key));
  } else {
    createInterface({ input: process.stdin }).on('line', handle);
  }
  draw();
}
