import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniBox } from './test-support/mini-box.js';
import { waitUntil } from './test-support/wait.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const bin = fileURLToPath(new URL('../bin/kassa-terminal.js', import.meta.url));
const packageVersion = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

// The command runs from dist/, so the package is built once for these tests.
beforeAll(async () => {
  await run('npx', ['tsc', '-b', 'packages/terminal-sim'], { cwd: root });
}, 180_000);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('kassa-terminal flags', () => {
  const bad: [string[], RegExp][] = [
    [['--model', 'ipp350'], /--model "ipp350" must be one of lane5000, desk5000, move5000/],
    [['--scenario', 'fly'], /--scenario "fly" must be one of/],
    [['--language', 'de'], /--language "de"/],
    [['--count', '0'], /--count must be a whole number from 1 to 10000/],
    [['--box', 'host:99999'], /--box "host:99999"/],
    [['--terminal-id', 'a b'], /--terminal-id/],
    [['--colour', 'red'], /unknown option "--colour"/],
    [['--box'], /--box needs a value/],
    [['--verbose', '--verbose'], /--verbose is given twice/],
    [['--scenario', 'approve', '--script', 'x.json'], /exclude each other/],
    [['--interactive', '--count', '2'], /--interactive runs one terminal/],
    [['--script', '/nonexistent/steps.json'], /SIM_BAD_SCRIPT: cannot read/],
    [['--serial', 'a b'], /--serial "a b" must be 1 to 32 printable/],
    [['--serial', '216S1', '--count', '2'], /--serial names one terminal/],
    [['--local-address', 'nowhere'], /--local-address "nowhere" must be an IPv4 or IPv6 address/],
  ];
  for (const [args, message] of bad) {
    it(`rejects ${args.join(' ')} with exit code 2 and a clear reason`, async () => {
      const result = await cli(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    });
  }

  it('prints its usage with --help and with -h', async () => {
    for (const flag of ['--help', '-h']) {
      const result = await cli([flag]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('--scenario NAME');
    }
  });

  it('prints the version of its package with --version', async () => {
    const result = await cli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`kassa-terminal ${packageVersion}\n`);
  });

  it('refuses an unknown flag with one line on stderr', async () => {
    const result = await cli(['--colour', 'red']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual(['kassa-terminal: SIM_BAD_FLAG: unknown option "--colour" (see --help)']);
  });
});

describe('kassa-terminal against a box', () => {
  let box: MiniBox;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    box = await MiniBox.start();
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await box.close();
  });

  it('says hello, runs a payment, logs frames with --verbose and says bye on SIGTERM', async () => {
    const proc = spawn(process.execPath, [
      bin,
      '--box',
      box.address,
      '--terminal-id',
      '55500001',
      '--model',
      'desk5000',
      '--scenario',
      'decline',
      '--language',
      'en',
      '--verbose',
    ]);
    child = proc;
    let stdout = '';
    proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    const session = await box.session('55500001');
    session.sendTransaction(99n, 4242);
    const final = await session.waitForFinal(99n);
    expect(final.body.transactionResult).toBe(2);
    await waitUntil(() => stdout.includes('"transactionResult":"Declined"'), 'the logged final frame');
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(session.received.some((m) => m.type === 'ByeRequest')).toBe(true);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((l) => l.dir === 'out').map((l) => l.type)).toContain('HelloRequest');
    expect(lines.find((l) => l.dir === 'in' && l.type === 'TransactionRequest')).toMatchObject({ terminalId: '55500001' });
  });

  it('in interactive mode waits for the card and PIN keys typed on stdin, and quits on q', async () => {
    const proc = spawn(process.execPath, [bin, '--box', box.address, '--terminal-id', '55500002', '--interactive', '--language', 'en']);
    child = proc;
    let stdout = '';
    proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    const session = await box.session('55500002');
    await waitUntil(() => stdout.includes('online'), 'the screen to show online');
    session.sendTransaction(100n, 1250);
    await waitUntil(() => stdout.includes('Present card') && stdout.includes('EUR 12.50'), 'the card prompt');
    expect(session.trace()).not.toContain('TransactionResponse:CardDetected');
    proc.stdin.write('card\n');
    await waitUntil(() => stdout.includes('Enter your PIN'), 'the PIN prompt');
    proc.stdin.write('pin\n');
    const final = await session.waitForFinal(100n);
    expect(final.body.transactionResult).toBe(0);
    proc.stdin.write('q\n');
    expect(await exited).toBe(0);
    expect(session.received.some((m) => m.type === 'ByeRequest')).toBe(true);
  });
});
