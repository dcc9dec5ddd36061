import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadVectors, REPO_ROOT } from './support/vectors.js';

// The CLI runs from dist/ when the build there is newer than every source
// (CI builds before testing); otherwise it is compiled from the current sources
// into a temporary folder, so the test needs no prior build and never races a
// build of dist/.
const PACKAGE = join(REPO_ROOT, 'packages/protocol');
let outDir = '';
let cli = '';

function distIsFresh(): boolean {
  const sources = readdirSync(join(PACKAGE, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  return sources.every((f) => {
    const built = join(PACKAGE, 'dist', f.replace(/\.ts$/, '.js'));
    return existsSync(built) && statSync(built).mtimeMs >= statSync(join(PACKAGE, 'src', f)).mtimeMs;
  });
}

beforeAll(() => {
  if (distIsFresh()) {
    cli = join(PACKAGE, 'dist/cli.js');
    return;
  }
  outDir = mkdtempSync(join(tmpdir(), 'kassa-tlv-'));
  const tsc = spawnSync(
    process.execPath,
    [
      join(REPO_ROOT, 'node_modules/typescript/bin/tsc'),
      '-p',
      join(PACKAGE, 'tsconfig.json'),
      '--outDir',
      outDir,
      '--composite',
      'false',
      '--incremental',
      'false',
      '--declaration',
      'false',
      '--declarationMap',
      'false',
      '--sourceMap',
      'false',
    ],
    { encoding: 'utf8' },
  );
  expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
  cli = join(outDir, 'cli.js');
}, 120_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: string[], stdin: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** Runs `work` on every item, a few processes at a time: starting Node dominates these tests. */
async function inParallel<T, R>(items: readonly T[], work: (item: T) => Promise<R>, width = 4): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
  return results;
}

const vectors = loadVectors();

describe('kassa-tlv decode and encode', () => {
  let roundTrips: { decoded: Run; encoded: Run }[] = [];
  beforeAll(async () => {
    roundTrips = await inParallel(vectors, async (v) => {
      const decoded = await run(['decode'], `${v.hex}\n`);
      return { decoded, encoded: await run(['encode'], decoded.stdout) };
    });
  }, 120_000);

  it.each(vectors.map((v, i) => [v.name, v.hex, i] as const))('round-trips golden %s: decode | encode gives the frame back', (_name, hex, i) => {
    const { decoded, encoded } = roundTrips[i]!;
    expect(decoded.stderr).toBe('');
    expect(decoded.status).toBe(0);
    expect(encoded.stderr).toBe('');
    expect(encoded.status).toBe(0);
    expect(encoded.stdout).toBe(`${hex}\n`);
  });

  it('decodes hex spread over lines with spaces and upper case into named JSON', async () => {
    const hex = vectors.find((v) => v.name.startsWith('TransactionResponse final Approved'))!.hex.toUpperCase();
    const spaced = hex.replace(/(.{8})/g, '$1 ').replace(/(.{60})/g, '$1\n');
    const { status, stdout } = await run(['decode'], spaced);
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      type: 'TransactionResponse',
      typeId: 49,
      header: { terminalId: '12345678', sequenceNumber: 3 },
      body: {
        transactionStage: 'Finished',
        transactionResult: 'Approved',
        transactionId: 123456789012345,
        tickets: [{ ticketBody: 'VISA CONTACTLESS  ****1234' }, { ticketBody: 'AMOUNT EUR 12.34 APPROVED' }],
      },
    });
  });

  it('encodes hand-written JSON with an amount in cents', async () => {
    const json = JSON.stringify({
      type: 'TransactionRequest',
      header: { protocolId: '00000100', terminalId: '12345678', ecrId: 'odoo', sequenceNumber: 2 },
      body: { transactionId: 123456789012345, transactionData: { amount: 1234 }, printData: { printOrigin: 2 } },
    });
    const { status, stdout } = await run(['encode'], json);
    expect(status).toBe(0);
    expect(stdout).toBe(`${vectors.find((v) => v.name === 'TransactionRequest amount=1234')!.hex}\n`);
  });

  it('--help and -h explain both commands with an example and exit 0', async () => {
    for (const flag of ['--help', '-h']) {
      const { status, stdout } = await run([flag], '');
      expect(status).toBe(0);
      expect(stdout).toContain('kassa-tlv decode');
      expect(stdout).toContain('kassa-tlv encode');
      expect(stdout).toContain('Example');
    }
  });

  it('--version prints the version of the package and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as { version: string };
    const { status, stdout } = await run(['--version'], '');
    expect(status).toBe(0);
    expect(stdout).toBe(`kassa-tlv ${version}\n`);
  });

  it('a bad flag exits 2 with one line on stderr', async () => {
    const { status, stderr } = await run(['decode', '--bogus'], '');
    expect(status).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('kassa-tlv on bad input: non-zero exit, one stderr line naming code and offset, nothing on stdout', () => {
  const good = vectors[0]!.hex;
  const corrupt = (hex: string, at: number, byte: string): string => hex.slice(0, at * 2) + byte + hex.slice(at * 2 + 2);
  const cases: [string, string[], string, RegExp][] = [
    ['input that is not hex', ['decode'], 'hello', /^kassa-tlv: CLI_BAD_HEX at offset 0: /],
    ['an odd number of hex digits', ['decode'], good.slice(1), /^kassa-tlv: CLI_BAD_HEX at offset \d+: /],
    ['empty input', ['decode'], '  \n', /^kassa-tlv: CLI_EMPTY_INPUT: /],
    ['hex that is not a frame', ['decode'], 'deadbeefdeadbeefdeadbeef', /^kassa-tlv: TLV_BAD_MAGIC at offset 4: /],
    ['a truncated frame', ['decode'], good.slice(0, -2), /^kassa-tlv: TLV_TRUNCATED at offset \d+: /],
    ['a frame whose MDC is wrong', ['decode'], corrupt(good, vectors[0]!.hex.length / 2 - 1, '00'), /^kassa-tlv: TLV_MDC_MISMATCH at offset \d+: /],
    ['a frame with a malformed length', ['decode'], corrupt(good, 13, '80'), /^kassa-tlv: TLV_BAD_LENGTH at offset 13: /],
    ['JSON that does not parse', ['encode'], '{"type": ', /^kassa-tlv: CLI_BAD_JSON/],
    ['JSON that is not a message', ['encode'], '[1, 2]', /^kassa-tlv: TLV_BAD_VALUE at message: /],
    [
      'JSON with a field the protocol does not have',
      ['encode'],
      JSON.stringify({ type: 'ByeRequest', header: { protocolId: '00000100', terminalId: '1', sequenceNumber: 0 }, body: { colour: 'red' } }),
      /^kassa-tlv: TLV_BAD_VALUE at body.colour: /,
    ],
    [
      'JSON with an amount that is not whole cents',
      ['encode'],
      JSON.stringify({
        type: 'TransactionRequest',
        header: { protocolId: '00000100', terminalId: '1', sequenceNumber: 0 },
        body: { transactionData: { amount: 12.34 } },
      }),
      /^kassa-tlv: TLV_BAD_VALUE at body.transactionData.amount: /,
    ],
  ];

  let outcomes: Run[] = [];
  beforeAll(async () => {
    outcomes = await inParallel(cases, ([, args, stdin]) => run(args, stdin));
  }, 120_000);

  it.each(cases.map((c, i) => [c[0], c[3], i] as const))('rejects %s', (_what, line, i) => {
    const { status, stdout, stderr } = outcomes[i]!;
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(stderr).toMatch(line);
  });

  it('exits 2 with one line for an unknown command or option', async () => {
    for (const { status, stdout, stderr } of await inParallel([['frobnicate'], [], ['decode', '--verbose']], (args) => run(args, ''))) {
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
    }
  });

  it('decode --no-mdc accepts a frame whose MDC is wrong', async () => {
    const bad = corrupt(good, good.length / 2 - 1, '00');
    const { status, stdout } = await run(['decode', '--no-mdc'], bad);
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ type: 'HelloResponse' });
  });
});

describe('kassa-tlv command line, argument by argument', () => {
  const cases: [string[], number, RegExp][] = [
    [['-h'], 0, /^kassa-tlv — /],
    [['help'], 0, /--no-mdc +decode: skip the MDC check/],
    [['decode', '--help'], 0, /^kassa-tlv — /],
    [['--version'], 0, /^kassa-tlv \d+\.\d+\.\d+\n$/],
    [['encode', '--version'], 0, /^kassa-tlv \d/],
    [[], 2, /^kassa-tlv: CLI_USAGE: a command is needed: decode or encode \(see kassa-tlv --help\)\n$/],
    [['frobnicate'], 2, /^kassa-tlv: CLI_USAGE: unknown command "frobnicate"/],
    [['decode', '--bogus'], 2, /^kassa-tlv: CLI_USAGE: unknown option "--bogus"/],
    [['encode', '--no-mdc'], 2, /^kassa-tlv: CLI_USAGE: unknown option "--no-mdc"/],
    [['decode', '--no-mdc=yes'], 2, /^kassa-tlv: CLI_USAGE: --no-mdc takes no value/],
    [['decode', '--no-mdc', '--no-mdc'], 2, /^kassa-tlv: CLI_USAGE: --no-mdc is given twice/],
    [['decode', 'frame.hex'], 2, /^kassa-tlv: CLI_USAGE: unexpected argument "frame.hex"/],
  ];
  let outcomes: Run[] = [];
  beforeAll(async () => {
    outcomes = await inParallel(cases, ([args]) => run(args, ''));
  }, 120_000);

  it.each(cases.map((c, i) => [c[0], c[1], c[2], i] as const))('answers %j with exit code %i', (_args, status, line, i) => {
    const outcome = outcomes[i]!;
    expect(outcome.status).toBe(status);
    expect(status === 0 ? outcome.stdout : outcome.stderr).toMatch(line);
    if (status !== 0) expect(outcome.stdout).toBe('');
    if (status !== 0) expect(outcome.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
