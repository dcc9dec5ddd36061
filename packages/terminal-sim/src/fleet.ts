import { SimError, SimErrorCode } from './errors.js';
import { isTerminalId, type TerminalOptions } from './options.js';
import { startTerminal, type TerminalHandle } from './terminal.js';

export const MAX_FLEET = 10_000;

export interface FleetHandle {
  readonly terminals: TerminalHandle[];
  /** Resolves once every terminal has had its HelloResponse. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The TerminalIds of a fleet. When the base id ends in digits, that number is
 * counted up keeping its width ("12345678" → "12345678", "12345679", …;
 * "T0098" → "T0098", "T0099", "T0100"). Otherwise "-1", "-2", … is appended.
 */
export function fleetTerminalIds(base: string, count: number): string[] {
  if (!isTerminalId(base)) throw new SimError(SimErrorCode.BadOption, 'terminalId must be 1 to 32 printable ASCII characters without spaces');
  if (!Number.isInteger(count) || count < 1 || count > MAX_FLEET) throw new SimError(SimErrorCode.BadOption, `count must be an integer from 1 to ${MAX_FLEET}`);
  const match = /^(.*?)(\d+)$/.exec(base);
  if (!match) return Array.from({ length: count }, (_, i) => (i === 0 ? base : `${base}-${i}`));
  const prefix = match[1]!;
  const digits = match[2]!;
  const start = BigInt(digits);
  const ids = Array.from({ length: count }, (_, i) => prefix + String(start + BigInt(i)).padStart(digits.length, '0'));
  const longest = ids[ids.length - 1]!;
  if (longest.length > 32) throw new SimError(SimErrorCode.BadOption, `the fleet's last TerminalId ${longest} is longer than 32 characters`);
  return ids;
}

/** Starts `count` terminals, each with its own socket, TerminalId derived from `terminalId`, seed `seed + index`. */
export function startFleet(options: TerminalOptions & { count: number }): FleetHandle {
  const { count, ...rest } = options;
  const ids = fleetTerminalIds(options.terminalId, count);
  const seed = options.seed ?? 1;
  const terminals = ids.map((terminalId, index) => startTerminal({ ...rest, terminalId, seed: (seed + index) % 2 ** 31 }));
  return {
    terminals,
    ready: async () => {
      await Promise.all(terminals.map((t) => t.ready()));
    },
    close: async () => {
      await Promise.all(terminals.map((t) => t.close()));
    },
  };
}
