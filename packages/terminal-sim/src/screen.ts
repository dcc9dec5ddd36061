import { formatAmount, type Language } from './texts.js';

export interface ScreenState {
  readonly model: string;
  readonly terminalId: string;
  readonly online: boolean;
  readonly language: Language;
  readonly text: string;
  readonly amountCents: number | undefined;
  readonly lastResult: string | undefined;
}

const WIDTH = 34;

/** The terminal's display and keypad legend as text lines: a pure function of what it shows. */
export function renderScreen(state: ScreenState): string[] {
  const line = (text: string): string => `│ ${text.slice(0, WIDTH - 2).padEnd(WIDTH - 2)} │`;
  const status = `${state.model} ${state.terminalId}`;
  const online = state.online ? 'online' : 'offline';
  return [
    `┌${'─'.repeat(WIDTH)}┐`,
    line(`${status}${' '.repeat(Math.max(1, WIDTH - 2 - status.length - online.length))}${online}`),
    line(''),
    line(state.text),
    line(state.amountCents === undefined ? '' : formatAmount(state.language, state.amountCents)),
    line(state.lastResult === undefined ? '' : `last: ${state.lastResult}`),
    `└${'─'.repeat(WIDTH)}┘`,
    ' [c] card  [p] PIN ok  [x] stop  [r] remove card  [q] quit',
  ];
}

export type KeyCommand = 'card' | 'pin-ok' | 'stop' | 'remove-card' | 'quit';

const KEYS: ReadonlyMap<string, KeyCommand> = new Map([
  ['c', 'card'],
  ['card', 'card'],
  ['p', 'pin-ok'],
  ['pin', 'pin-ok'],
  ['\r', 'pin-ok'],
  ['x', 'stop'],
  ['stop', 'stop'],
  ['cancel', 'stop'],
  ['\u001b', 'stop'],
  ['r', 'remove-card'],
  ['remove', 'remove-card'],
  ['q', 'quit'],
  ['quit', 'quit'],
  ['\u0003', 'quit'],
]);

/** Maps a key (raw mode: Enter is PIN ok, Esc is stop, Ctrl-C quits) or a typed word (line mode) to a keypad command. */
export function keyCommand(input: string): KeyCommand | undefined {
  return KEYS.get(input) ?? KEYS.get(input.trim().toLowerCase());
}
