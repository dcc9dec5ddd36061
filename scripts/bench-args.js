// The command line of npm run bench: it takes no option but help and version.
import { helpLines, readFlags } from '@kassa/protocol';

export const USAGE = [
  'Usage: npm run bench',
  '',
  "Builds, runs every package's bench in order and writes their figures into BENCHMARKS.md.",
  '',
  ...helpLines({}),
].join('\n');

class UsageError extends Error {}

/**
 * What the command line asks: `{ exit, out }` or `{ exit, err }` when the command ends there (help
 * and version exit 0, a bad command line exits 2 with one line), null when the benches run.
 * @param {readonly string[]} argv
 * @param {string} version
 * @returns {{ exit: number, out?: string, err?: string } | null}
 */
export function benchArgs(argv, version) {
  try {
    const parsed = readFlags({}, argv, {}, (message) => new UsageError(message));
    if (parsed.kind === 'help') return { exit: 0, out: USAGE };
    if (parsed.kind === 'version') return { exit: 0, out: `bench ${version}` };
    return null;
  } catch (error) {
    if (error instanceof UsageError) return { exit: 2, err: `bench: ${error.message} (see --help)` };
    throw error;
  }
}
