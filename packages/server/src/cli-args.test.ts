import { describe, expect, it } from 'vitest';
import { CliError, parseCli } from './cli-args.js';

const run = (argv: string[], env: Record<string, string> = {}) => {
  const command = parseCli(argv, env);
  if (command.kind !== 'run') throw new Error('expected run');
  return command.options;
};

const failure = (argv: string[], env: Record<string, string> = {}): string => {
  try {
    parseCli(argv, env);
  } catch (error) {
    if (error instanceof CliError) return error.code;
    throw error;
  }
  return 'no error';
};

describe('parseCli', () => {
  it('listens on 127.0.0.1:8080 with PGlite under ./data by default', () => {
    expect(run([])).toEqual({ port: 8080, host: '127.0.0.1', dataDir: './data', logLevel: 'info', trustProxy: [], demo: false });
  });

  it('reads the environment: PORT, KASSA_DATA, DATABASE_URL, KASSA_PUBLIC_URL, KASSA_DEMO', () => {
    const options = run([], { PORT: '9000', KASSA_DATA: '/var/kassa', DATABASE_URL: 'postgres://db/kassa', KASSA_PUBLIC_URL: 'https://pos.example/', KASSA_DEMO: '1' });
    expect(options).toMatchObject({ port: 9000, dataDir: '/var/kassa', databaseUrl: 'postgres://db/kassa', publicUrl: 'https://pos.example', demo: true });
  });

  it('lets flags win over the environment, in both --flag value and --flag=value forms', () => {
    expect(run(['--port', '0', '--data=/tmp/k', '--host', '0.0.0.0', '--log-level=debug', '--trust-proxy', '127.0.0.1'], { PORT: '9000' })).toMatchObject({
      port: 0,
      dataDir: '/tmp/k',
      host: '0.0.0.0',
      logLevel: 'debug',
      trustProxy: ['127.0.0.1'],
    });
  });

  it('takes the trusted proxies as a comma list of addresses and CIDR ranges, by flag or KASSA_TRUST_PROXY', () => {
    expect(run(['--trust-proxy=127.0.0.1, 10.0.0.0/8,::1,fd00::/8'])).toMatchObject({ trustProxy: ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8'] });
    expect(run([], { KASSA_TRUST_PROXY: '192.168.1.2' })).toMatchObject({ trustProxy: ['192.168.1.2'] });
    expect(run(['--trust-proxy', '10.1.1.1'], { KASSA_TRUST_PROXY: '192.168.1.2' })).toMatchObject({ trustProxy: ['10.1.1.1'] });
  });

  it.each([[['--trust-proxy']], [['--trust-proxy', 'true']], [['--trust-proxy', '10.0.0.0/33']], [['--trust-proxy', '10.0.0.300']], [['--trust-proxy', '10.0.0.0/8/1']]])(
    'refuses a trusted proxy that is not an address or range: %j',
    (argv) => {
      expect(failure(argv)).toBe('KASSA_CLI_USAGE');
    },
  );

  it('refuses the old KASSA_TRUST_PROXY=1, which would have trusted everyone', () => {
    expect(failure([], { KASSA_TRUST_PROXY: '1' })).toBe('KASSA_CLI_USAGE');
  });

  it('prepares repeated statements unless told not to, by flag or environment', () => {
    expect(run(['--database-url', 'postgres://db/kassa'])).not.toHaveProperty('preparedStatements');
    expect(run(['--no-prepared-statements'])).toMatchObject({ preparedStatements: false });
    expect(run([], { KASSA_NO_PREPARED_STATEMENTS: '1' })).toMatchObject({ preparedStatements: false });
    expect(failure(['--no-prepared-statements=yes'])).toBe('KASSA_CLI_USAGE');
  });

  it('prints help for --help and -h, the version for --version', () => {
    expect(parseCli(['--help'], {})).toEqual({ kind: 'help' });
    expect(parseCli(['-h'], {})).toEqual({ kind: 'help' });
    expect(parseCli(['--version'], {})).toEqual({ kind: 'version' });
  });

  it.each([[['--port', '70000']], [['--port', 'http']], [['--verbose']], [['--data']], [['--public-url', 'ftp://x']], [['--log-level', 'loud']], [['--database-url', 'mysql://x']]])(
    'refuses %j with KASSA_CLI_USAGE',
    (argv) => {
      expect(failure(argv)).toBe('KASSA_CLI_USAGE');
    },
  );

  it('refuses a PORT in the environment that is not a port', () => {
    expect(failure([], { PORT: '80a' })).toBe('KASSA_CLI_USAGE');
  });
});
