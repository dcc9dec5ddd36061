// npm run fuzz -w @kassa/protocol [-- --frames N --seed S]
import { TlvError } from '../errors.js';
import { fuzzArgs } from './args.js';
import { FuzzFailure, runFuzz } from './fuzz.js';

const args = fuzzArgs(process.argv.slice(2));
if ('exit' in args) {
  if (args.out !== undefined) process.stdout.write(`${args.out}\n`);
  if (args.err !== undefined) process.stderr.write(`${args.err}\n`);
  process.exit(args.exit);
}
const frames = args.frames;
const seed = args.seed ?? Date.now() % 2 ** 31;
process.stdout.write(`fuzz: ${frames.toLocaleString('en')} mutated frames through FrameDecoder, seed ${seed}\n`);

const started = process.hrtime.bigint();
try {
  const result = runFuzz({ frames, seed, progressEvery: 250_000, onProgress: (done) => process.stdout.write(`  ${done.toLocaleString('en')} frames\n`) });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rssMiB = process.memoryUsage().rss / 2 ** 20;
  process.stdout.write(
    [
      `frames:            ${result.frames.toLocaleString('en')} (${(result.bytes / 2 ** 20).toFixed(1)} MiB in ${result.chunks.toLocaleString('en')} chunks)`,
      `duration:          ${seconds.toFixed(1)} s (${Math.round(result.frames / seconds).toLocaleString('en')} frames/s)`,
      `messages accepted: ${result.messages.toLocaleString('en')} (${result.reencodedIdentical.toLocaleString('en')} re-encoded byte for byte)`,
      'errors by code:',
      ...Object.entries(result.errorsByCode)
        .sort((a, b) => b[1] - a[1])
        .map(([code, n]) => `  ${code.padEnd(22)} ${n.toLocaleString('en')}`),
      `RSS:               ${rssMiB.toFixed(0)} MiB`,
      'result:            OK: only messages and TlvError came out',
    ].join('\n') + '\n',
  );
} catch (error) {
  if (error instanceof FuzzFailure) {
    process.stderr.write(`fuzz: FAILED (seed ${error.seed}): ${error.message}\ninput: ${Buffer.from(error.input).toString('hex')}\n`);
  } else {
    process.stderr.write(`fuzz: FAILED: ${error instanceof TlvError ? error.message : String(error)}\n`);
  }
  process.exitCode = 1;
}
