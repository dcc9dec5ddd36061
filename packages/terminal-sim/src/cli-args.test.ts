import { describe, expect, it } from 'vitest';
import { FLAGS, parseCliArgs, USAGE, type CliConfig } from './cli-args.js';
import { SimError } from './errors.js';

function config(argv: string[]): CliConfig {
  const parsed = parseCliArgs(argv);
  if (parsed.kind !== 'run') throw new Error('expected a run');
  return parsed.config;
}

describe('the kassa-terminal command line, flag by flag', () => {
  it('has a default for every flag', () => {
    expect(config([])).toEqual({
      box: { host: '127.0.0.1', port: 9000 },
      terminalId: '12345678',
      model: 'lane5000',
      scenario: 'approve',
      language: 'nl',
      count: 1,
      interactive: false,
      verbose: false,
      protocolId: '00000100',
      shopName: undefined,
      stageDelayMs: 20,
      keepAliveIntervalMs: undefined,
      seed: 1,
      serialNumber: undefined,
      localAddress: undefined,
    });
  });

  const given: [string[], Partial<CliConfig>][] = [
    [['--box', 'box.local'], { box: { host: 'box.local', port: 9000 } }],
    [['--box=[::1]:9100'], { box: { host: '::1', port: 9100 } }],
    [['--terminal-id', 'T-1'], { terminalId: 'T-1' }],
    [['--model', 'move5000'], { model: 'move5000' }],
    [['--scenario', 'decline'], { scenario: 'decline' }],
    [['--script', 'steps.json'], { scenario: { scriptPath: 'steps.json' } }],
    [['--language', 'fr'], { language: 'fr' }],
    [['--count', '40'], { count: 40 }],
    [['--interactive'], { interactive: true }],
    [['--verbose'], { verbose: true }],
    [['--protocol-id', '0001'], { protocolId: '0001' }],
    [['--shop-name', 'Bakkerij'], { shopName: 'Bakkerij' }],
    [['--stage-delay', '0'], { stageDelayMs: 0 }],
    [['--keep-alive-interval', '500'], { keepAliveIntervalMs: 500 }],
    [['--seed', '42'], { seed: 42 }],
    [['--serial', '216S0001'], { serialNumber: '216S0001' }],
    [['--local-address', '127.0.0.2'], { localAddress: '127.0.0.2' }],
  ];
  it.each(given)('reads %j', (argv, expected) => {
    expect(config(argv)).toMatchObject(expected);
  });

  const refused: [string[], string][] = [
    [['--colour', 'red'], 'unknown option "--colour"'],
    [['approve'], 'unexpected argument "approve"'],
    [['--model'], '--model needs a value: NAME'],
    [['--model', '--verbose'], '--model needs a value: NAME'],
    [['--verbose=1'], '--verbose takes no value'],
    [['--seed', '1', '--seed', '2'], '--seed is given twice'],
    [['--box', 'a:0'], '--box "a:0" must be HOST:PORT'],
    [['--count', '10001'], '--count must be a whole number from 1 to 10000'],
    [['--keep-alive-interval', '9'], '--keep-alive-interval must be a whole number from 10'],
    [['--protocol-id', '123'], '--protocol-id "123" must be an even number'],
    [['--shop-name', 'x'.repeat(61)], '--shop-name'],
    [['--language', 'de'], '--language "de" must be one of nl, fr, en'],
    [['--scenario', 'approve', '--script', 'x.json'], 'exclude each other'],
  ];
  it.each(refused)('refuses %j with SIM_BAD_FLAG in one line naming the flag', (argv, message) => {
    let error: unknown;
    try {
      parseCliArgs(argv);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SimError);
    expect((error as SimError).code).toBe('SIM_BAD_FLAG');
    expect((error as SimError).message).toContain(message);
    expect((error as SimError).message.split('\n')).toHaveLength(1);
  });

  it('answers -h, --help and --version before checking values', () => {
    expect(parseCliArgs(['--count', '0', '-h'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['--model', 'x', '--version'])).toEqual({ kind: 'version' });
  });

  it('lists every flag in the help', () => {
    for (const name of Object.keys(FLAGS)) expect(USAGE).toContain(`--${name}`);
  });
});
