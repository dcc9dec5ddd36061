import { describe, expect, it } from 'vitest';
import { BoxError } from './errors.js';
import { FLAGS, isLoopbackHost, PAIR_FLAGS, parseConfig, parseHostPort, parsePairArgs, USAGE, type BoxConfig } from './config.js';

function run(argv: string[], env: Record<string, string> = {}): BoxConfig {
  const parsed = parseConfig(argv, env);
  if (parsed.kind !== 'run') throw new Error('expected a run config');
  return parsed.config;
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof BoxError) return error.code;
    throw error;
  }
  throw new Error('expected a BoxError');
}

describe('the box command line, flag by flag', () => {
  const given: [string, string[], Record<string, string>, Partial<BoxConfig>][] = [
    [
      'the defaults',
      [],
      {},
      { listen: { host: '0.0.0.0', port: 9000 }, http: { host: '127.0.0.1', port: 9080 }, dataDir: './data/iot-box', logLevel: 'info', insecure: false },
    ],
    ['--listen', ['--listen', '[::1]:9100'], {}, { listen: { host: '::1', port: 9100 } }],
    ['KASSA_BOX_LISTEN', [], { KASSA_BOX_LISTEN: '127.0.0.1:9100' }, { listen: { host: '127.0.0.1', port: 9100 } }],
    ['--http=', ['--http=0.0.0.0:81'], {}, { http: { host: '0.0.0.0', port: 81 } }],
    ['KASSA_BOX_HTTP', [], { KASSA_BOX_HTTP: '0.0.0.0:82' }, { http: { host: '0.0.0.0', port: 82 } }],
    ['--server and --token', ['--server', 'https://pos.example.be', '--token', 'abcdefgh'], {}, { server: 'https://pos.example.be', token: 'abcdefgh' }],
    [
      'KASSA_BOX_SERVER and KASSA_BOX_TOKEN',
      [],
      { KASSA_BOX_SERVER: 'wss://pos.example.be', KASSA_BOX_TOKEN: 'abcdefgh' },
      { server: 'wss://pos.example.be', token: 'abcdefgh' },
    ],
    ['--data', ['--data', '/srv/box'], { KASSA_BOX_DATA: '/var/box' }, { dataDir: '/srv/box' }],
    ['KASSA_BOX_DATA', [], { KASSA_BOX_DATA: '/var/box' }, { dataDir: '/var/box' }],
    ['an empty variable as unset', [], { KASSA_BOX_DATA: '', KASSA_BOX_LOG_LEVEL: '' }, { dataDir: './data/iot-box', logLevel: 'info' }],
    ['--log-level', ['--log-level', 'warn'], {}, { logLevel: 'warn' }],
    ['KASSA_BOX_LOG_LEVEL', [], { KASSA_BOX_LOG_LEVEL: 'silent' }, { logLevel: 'silent' }],
    ['--insecure', ['--insecure'], {}, { insecure: true }],
    ['KASSA_BOX_INSECURE', [], { KASSA_BOX_INSECURE: 'yes' }, { insecure: true }],
  ];
  it.each(given)('reads %s', (_what, argv, env, expected) => {
    expect(run(argv, env)).toMatchObject(expected);
  });

  it('reads --allow and KASSA_BOX_ALLOW', () => {
    expect(run(['--allow', '10.0.0.0/8']).allow?.allows('10.1.2.3')).toBe(true);
    expect(run([], { KASSA_BOX_ALLOW: '192.168.1.0/24' }).allow?.allows('10.1.2.3')).toBe(false);
  });

  const refused: [string[], Record<string, string>, string][] = [
    [['--bogus'], {}, 'unknown option "--bogus"'],
    [['-x'], {}, 'unknown option "-x"'],
    [['extra'], {}, 'unexpected argument "extra"'],
    [['--data'], {}, '--data needs a value: DIR'],
    [['--data='], {}, '--data needs a value: DIR'],
    [['--insecure=yes'], {}, '--insecure takes no value'],
    [['--data', 'a', '--data', 'b'], {}, '--data is given twice'],
    [['--http', ':80'], {}, '--http must be HOST:PORT'],
    [[], { KASSA_BOX_HTTP: 'nowhere' }, '--http (KASSA_BOX_HTTP) must be HOST:PORT'],
    [['--log-level', 'loud'], {}, '--log-level must be one of'],
    [[], { KASSA_BOX_ALLOW: '10.0.0.0/33' }, '--allow (KASSA_BOX_ALLOW): '],
  ];
  it.each(refused)('refuses %j %j in one line naming the flag', (argv, env, message) => {
    let error: unknown;
    try {
      parseConfig(argv, env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BoxError);
    expect((error as BoxError).code).toBe('BOX_BAD_CONFIG');
    expect((error as BoxError).message).toContain(message);
    expect((error as BoxError).message.split('\n')).toHaveLength(1);
  });

  it('answers -h, --help and --version before checking values, also for pair', () => {
    expect(parseConfig(['--log-level', 'loud', '-h'], {})).toEqual({ kind: 'help' });
    expect(parseConfig(['--version'], { KASSA_BOX_LISTEN: 'bad' })).toEqual({ kind: 'version' });
    expect(parsePairArgs(['--help'], {})).toEqual({ kind: 'help' });
    expect(parsePairArgs(['--version'], {})).toEqual({ kind: 'version' });
  });

  it('lists every flag and variable in the help', () => {
    for (const [name, flag] of Object.entries(FLAGS)) {
      expect(USAGE).toContain(`--${name}`);
      expect(USAGE).toContain(flag.env);
    }
    for (const name of Object.keys(PAIR_FLAGS)) expect(USAGE).toContain(`--${name}`);
  });
});

describe('parseConfig', () => {
  it('has a default for every flag', () => {
    const config = run([]);
    expect(config).toMatchObject({
      listen: { host: '0.0.0.0', port: 9000 },
      http: { host: '127.0.0.1', port: 9080 },
      dataDir: './data/iot-box',
      logLevel: 'info',
      transactionTimeoutMs: 300_000,
    });
    expect(config.server).toBeUndefined();
    expect(config.allow).toBeUndefined();
  });

  it('reads every flag from the environment, and a flag wins over its variable', () => {
    const env = {
      KASSA_BOX_LISTEN: '127.0.0.1:9100',
      KASSA_BOX_SERVER: 'https://pos.example.be',
      KASSA_BOX_TOKEN: 'secret-token',
      KASSA_BOX_DATA: '/var/lib/box',
      KASSA_BOX_ALLOW: '10.0.0.0/8',
      KASSA_BOX_LOG_LEVEL: 'warn',
      KASSA_BOX_HTTP: '0.0.0.0:8081',
      KASSA_BOX_TRANSACTION_TIMEOUT: '90',
    };
    const config = run(['--listen', '[::]:9200', '--log-level=debug'], env);
    expect(config).toMatchObject({
      listen: { host: '::', port: 9200 },
      http: { port: 8081 },
      server: 'https://pos.example.be',
      token: 'secret-token',
      dataDir: '/var/lib/box',
      logLevel: 'debug',
      transactionTimeoutMs: 90_000,
    });
    expect(config.allow?.allows('10.1.2.3')).toBe(true);
    expect(run(['--transaction-timeout', '45'], env).transactionTimeoutMs).toBe(45_000);
  });

  it('answers --help', () => {
    expect(parseConfig(['--listen', '1.2.3.4:1', '--help'], {})).toEqual({ kind: 'help' });
  });

  it.each([
    [['--bogus']],
    [['--listen']],
    [['--listen', '--http']],
    [['--listen', 'nohost']],
    [['--listen', '1.2.3.4:70000']],
    [['--server', 'ftp://x', '--token', 'abcdefgh']],
    [['--server', 'http://x']],
    [['--token', 'short']],
    [['--log-level', 'chatty']],
    [['--allow', '10.0.0.0/33']],
    [['--allow', 'not-an-ip']],
    [['--transaction-timeout', '29']],
    [['--transaction-timeout', '3601']],
    [['--transaction-timeout', '1.5']],
    [['--transaction-timeout', 'soon']],
  ])('refuses %j with BOX_BAD_CONFIG', (argv) => {
    expect(codeOf(() => parseConfig(argv, {}))).toBe('BOX_BAD_CONFIG');
  });

  describe('a server that is not encrypted', () => {
    it.each(['http://pos.example.be', 'ws://10.0.0.5:8080', 'http://[fe80::1]:8080', 'http://127.example.com'])(
      'refuses %s without --insecure, naming the flag',
      (server) => {
        let message = '';
        try {
          parseConfig(['--server', server, '--token', 'abcdefgh'], {});
        } catch (error) {
          message = (error as BoxError).message;
          expect((error as BoxError).code).toBe('BOX_BAD_CONFIG');
        }
        expect(message).toContain('--insecure');
        expect(message.split('\n')).toHaveLength(1);
      },
    );

    it('is allowed with --insecure or KASSA_BOX_INSECURE=1', () => {
      expect(run(['--server', 'http://pos.example.be', '--token', 'abcdefgh', '--insecure'])).toMatchObject({
        server: 'http://pos.example.be',
        insecure: true,
      });
      expect(run(['--server', 'ws://10.0.0.5', '--token', 'abcdefgh'], { KASSA_BOX_INSECURE: '1' }).insecure).toBe(true);
    });

    it.each(['http://127.0.0.1:8080', 'ws://127.3.4.5', 'http://localhost:8080', 'http://[::1]:8080', 'https://pos.example.be', 'wss://pos.example.be'])(
      'is not needed for %s',
      (server) => {
        expect(run(['--server', server, '--token', 'abcdefgh']).server).toBe(server);
      },
    );

    it('knows loopback from what only looks like it', () => {
      expect(['127.0.0.1', '127.255.0.9', '::1', '[::1]', 'localhost', 'LOCALHOST', 'box.localhost'].every(isLoopbackHost)).toBe(true);
      expect(['128.0.0.1', '10.0.0.1', '::2', '127.0.0.1.nip.io', 'localhost.example.com', '0.0.0.0'].some(isLoopbackHost)).toBe(false);
    });
  });

  describe('the pairing stored by kassa-iotbox pair', () => {
    const stored = () => ({ server: 'https://pos.example.be', token: 'stored-token-123' });

    it('gives the server and token when no flag or variable does', () => {
      const parsed = parseConfig(['--data', '/srv/box'], {}, (dir) => (dir === '/srv/box' ? stored() : null));
      expect(parsed.kind === 'run' && parsed.config).toMatchObject({ server: 'https://pos.example.be', token: 'stored-token-123' });
    });

    it('keeps the --insecure given at pairing for the stored plain http server only', () => {
      const plain = () => ({ server: 'http://192.0.2.7:8080', token: 'stored-token-123', insecure: true });
      expect(parseConfig([], {}, plain)).toMatchObject({ kind: 'run', config: { server: 'http://192.0.2.7:8080', insecure: true } });
      expect(codeOf(() => parseConfig([], {}, () => ({ server: 'http://192.0.2.7:8080', token: 'stored-token-123' })))).toBe('BOX_BAD_CONFIG');
      expect(codeOf(() => parseConfig(['--server', 'http://192.0.2.8:8080'], {}, plain))).toBe('BOX_BAD_CONFIG');
    });

    it('gives way to flags and variables', () => {
      const parsed = parseConfig(['--server', 'https://other.example.be'], { KASSA_BOX_TOKEN: 'env-token-456' }, stored);
      expect(parsed.kind === 'run' && parsed.config).toMatchObject({ server: 'https://other.example.be', token: 'env-token-456' });
    });
  });

  describe('parsePairArgs', () => {
    it('reads the server, the code and the data folder', () => {
      expect(parsePairArgs(['--server', 'https://pos.example.be/', '--code', '483-921', '--data', '/srv/box'], {})).toEqual({
        server: 'https://pos.example.be',
        code: '483-921',
        dataDir: '/srv/box',
        insecure: false,
      });
    });

    it.each([
      [['--code', '483-921']],
      [['--server', 'https://x.example']],
      [['--server', 'https://x.example', '--code', '4839']],
      [['--server', 'http://x.example', '--code', '483-921']],
      [['--server', 'https://x.example', '--code', '483-921', '--token', 'x']],
    ])('refuses %j with BOX_BAD_CONFIG', (argv) => {
      expect(codeOf(() => parsePairArgs(argv, {}))).toBe('BOX_BAD_CONFIG');
    });
  });

  it('parses IPv6 and host names in HOST:PORT', () => {
    expect(parseHostPort('[::1]:9000', 'x')).toEqual({ host: '::1', port: 9000 });
    expect(parseHostPort('box.local:0', 'x')).toEqual({ host: 'box.local', port: 0 });
  });
});
