import { helpLines, readFlags, type Flags, type Values } from '../flags.js';
import { PROTOCOL_VERSION } from '../version.js';

class UsageError extends Error {}

function count(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new UsageError(`${name} needs a non-negative integer`);
  return value;
}

export const FUZZ_FLAGS = {
  frames: { value: 'N', fallback: '1000000', parse: count, help: 'how many mutated frames to push through the decoder' },
  seed: { value: 'S', parse: count, help: 'the seed of the mutations (default: drawn from the clock)' },
} as const satisfies Flags;

export const FUZZ_USAGE = ['Usage: npm run fuzz -w @kassa/protocol [-- options]', '', ...helpLines(FUZZ_FLAGS)].join('\n');

/**
 * What the command line asks: `{ exit, out }` or `{ exit, err }` when the command ends there (help
 * and version exit 0, a bad command line exits 2 with one line), otherwise the options of the run.
 */
export function fuzzArgs(argv: readonly string[]): { readonly exit: number; readonly out?: string; readonly err?: string } | Values<typeof FUZZ_FLAGS> {
  try {
    const parsed = readFlags(FUZZ_FLAGS, argv, {}, (message) => new UsageError(message));
    if (parsed.kind === 'help') return { exit: 0, out: FUZZ_USAGE };
    if (parsed.kind === 'version') return { exit: 0, out: `fuzz ${PROTOCOL_VERSION}` };
    return parsed.values;
  } catch (error) {
    if (error instanceof UsageError) return { exit: 2, err: `fuzz: ${error.message} (see --help)` };
    throw error;
  }
}
