import { describe, expect, it } from 'vitest';
import { BACKUP_FLAGS, CliError, CREATE_ADMIN_FLAGS, createAdminCommand, parseCli, RUN_FLAGS, USAGE } from './cli-args.js';

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
    const options = run([], {
      PORT: '9000',
      KASSA_DATA: '/var/kassa',
      DATABASE_URL: 'postgres://db/kassa',
      KASSA_PUBLIC_URL: 'https://pos.example/',
      KASSA_DEMO: '1',
    });
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

  it.each([
    [['--trust-proxy']],
    [['--trust-proxy', 'true']],
    [['--trust-proxy', '10.0.0.0/33']],
    [['--trust-proxy', '10.0.0.300']],
    [['--trust-proxy', '10.0.0.0/8/1']],
  ])('refuses a trusted proxy that is not an address or range: %j', (argv) => {
    expect(failure(argv)).toBe('KASSA_CLI_USAGE');
  });

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

  it.each([
    [['--port', '70000']],
    [['--port', 'http']],
    [['--verbose']],
    [['--data']],
    [['--public-url', 'ftp://x']],
    [['--log-level', 'loud']],
    [['--database-url', 'mysql://x']],
  ])('refuses %j with KASSA_CLI_USAGE', (argv) => {
    expect(failure(argv)).toBe('KASSA_CLI_USAGE');
  });

  it('refuses a PORT in the environment that is not a port', () => {
    expect(failure([], { PORT: '80a' })).toBe('KASSA_CLI_USAGE');
  });
});

describe('parseCli commands', () => {
  it('reads create-admin with the password from a file, the environment or a prompt', () => {
    expect(parseCli(['create-admin', '--username', 'owner', '--password-file', '/run/pw'], { DATABASE_URL: 'postgres://db/kassa' })).toEqual({
      kind: 'create-admin',
      target: { dataDir: './data', databaseUrl: 'postgres://db/kassa' },
      username: 'owner',
      password: { from: 'file', path: '/run/pw' },
    });
    expect(parseCli(['create-admin', '--username', 'owner', '--data', '/srv/kassa'], { KASSA_ADMIN_PASSWORD: 'secret-password' })).toMatchObject({
      target: { dataDir: '/srv/kassa' },
      password: { from: 'env', value: 'secret-password' },
    });
    expect(parseCli(['create-admin', '--username', 'owner'], {})).toMatchObject({ password: { from: 'prompt' } });
  });

  it('reads backup and restore of the embedded database', () => {
    expect(parseCli(['backup', '--to', '/b/kassa.tar.gz', '--data', '/srv/kassa'], {})).toEqual({
      kind: 'backup',
      dataDir: '/srv/kassa',
      to: '/b/kassa.tar.gz',
    });
    expect(parseCli(['restore', '/b/kassa.tar.gz'], { KASSA_DATA: '/srv/new' })).toEqual({ kind: 'restore', dataDir: '/srv/new', from: '/b/kassa.tar.gz' });
  });

  it.each([
    [['create-admin']],
    [['create-admin', '--username', 'x', '--role', 'admin']],
    [['backup']],
    [['restore']],
    [['restore', 'a', 'b']],
    [['--metrics-token', 'short']],
    [['--closing-threshold', '-5']],
    [['--closing-threshold', '2.50']],
  ])('refuses %j with a usage error', (argv) => {
    expect(failure(argv)).toBe('KASSA_CLI_USAGE');
  });

  it('sends PostgreSQL backups to pg_dump', () => {
    expect(failure(['backup', '--to', 'x'], { DATABASE_URL: 'postgres://db/kassa' })).toBe('KASSA_CLI_USAGE');
  });

  it('takes the metrics token from --metrics-token or KASSA_METRICS_TOKEN', () => {
    expect(run([], { KASSA_METRICS_TOKEN: 'a-token-of-16-chars+' }).metricsToken).toBe('a-token-of-16-chars+');
  });

  it('takes the closing threshold in cents from --closing-threshold or KASSA_CLOSING_THRESHOLD_CENTS', () => {
    expect(run(['--closing-threshold', '1000'], {}).closingThresholdCents).toBe(1000);
    expect(run([], { KASSA_CLOSING_THRESHOLD_CENTS: '0' }).closingThresholdCents).toBe(0);
    expect(run([], {}).closingThresholdCents).toBeUndefined();
  });
});

describe('the server command line, flag by flag', () => {
  const given: [string, string[], Record<string, string>, Record<string, unknown>][] = [
    ['--port', ['--port', '0'], { PORT: '9000' }, { port: 0 }],
    ['PORT', [], { PORT: '9000' }, { port: 9000 }],
    ['--host', ['--host=0.0.0.0'], {}, { host: '0.0.0.0' }],
    ['KASSA_HOST', [], { KASSA_HOST: '::' }, { host: '::' }],
    ['--data', ['--data', '/srv/k'], { KASSA_DATA: '/var/k' }, { dataDir: '/srv/k' }],
    ['--database-url', ['--database-url', 'postgresql://db/k/'], {}, { databaseUrl: 'postgresql://db/k' }],
    ['--no-prepared-statements', ['--no-prepared-statements'], {}, { preparedStatements: false }],
    ['KASSA_NO_PREPARED_STATEMENTS', [], { KASSA_NO_PREPARED_STATEMENTS: 'true' }, { preparedStatements: false }],
    ['--public-url', ['--public-url', 'https://pos.example/'], {}, { publicUrl: 'https://pos.example' }],
    ['--log-level', ['--log-level', 'silent'], { KASSA_LOG_LEVEL: 'debug' }, { logLevel: 'silent' }],
    ['KASSA_LOG_LEVEL', [], { KASSA_LOG_LEVEL: 'debug' }, { logLevel: 'debug' }],
    ['--demo', ['--demo'], {}, { demo: true }],
    ['--metrics-token', ['--metrics-token', 'x'.repeat(16)], {}, { metricsToken: 'x'.repeat(16) }],
    ['--closing-threshold', ['--closing-threshold=0'], { KASSA_CLOSING_THRESHOLD_CENTS: '700' }, { closingThresholdCents: 0 }],
    [
      'empty variables as unset',
      [],
      { PORT: '', KASSA_HOST: '', KASSA_DATA: '', DATABASE_URL: '', KASSA_LOG_LEVEL: '', KASSA_TRUST_PROXY: '' },
      { port: 8080, host: '127.0.0.1', dataDir: './data', logLevel: 'info', trustProxy: [] },
    ],
  ];
  it.each(given)('reads %s', (_what, argv, env, expected) => {
    expect(run(argv, env)).toMatchObject(expected);
  });

  const refused: [string[], Record<string, string>, string][] = [
    [['--bogus'], {}, 'unknown option "--bogus"'],
    [['serve'], {}, 'unexpected argument "serve"'],
    [['--port'], {}, '--port needs a value: N'],
    [['--port', '--demo'], {}, '--port needs a value: N'],
    [['--port', '1', '--port', '2'], {}, '--port is given twice'],
    [['--demo=yes'], {}, '--demo takes no value'],
    [['--port', '65536'], {}, '--port must be a port'],
    [[], { PORT: 'x' }, '--port (PORT) must be a port'],
    [[], { DATABASE_URL: 'mysql://db' }, '--database-url (DATABASE_URL) must start with postgres:// or postgresql://'],
    [['--public-url', 'pos.example'], {}, '--public-url is not a URL'],
    [['--trust-proxy', '10.0.0.0/8,nope'], {}, '--trust-proxy takes IP addresses or CIDR ranges'],
    [[], { KASSA_METRICS_TOKEN: 'short' }, '--metrics-token (KASSA_METRICS_TOKEN) must be 16 to 512'],
    [['create-admin', '--username'], {}, '--username needs a value: NAME'],
    [['backup', '--to', 'a', 'b'], {}, 'unexpected argument "b"'],
  ];
  it.each(refused)('refuses %j %j in one line naming the flag', (argv, env, message) => {
    let error: unknown;
    try {
      parseCli(argv, env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toContain(message);
    expect((error as CliError).message.split('\n')).toHaveLength(1);
  });

  it.each([[[]], [['create-admin']], [['backup']], [['restore']]])('answers -h, --help and --version before any check, also in %j', (command) => {
    const env = { PORT: 'x', DATABASE_URL: 'mysql://db' };
    expect(parseCli([...command, '-h'], env)).toEqual({ kind: 'help' });
    expect(parseCli([...command, '--help'], env)).toEqual({ kind: 'help' });
    expect(parseCli([...command, '--version'], env)).toEqual({ kind: 'version' });
  });

  it('lists every flag and variable in the help', () => {
    for (const table of [RUN_FLAGS, CREATE_ADMIN_FLAGS, BACKUP_FLAGS]) {
      for (const [name, flag] of Object.entries(table)) {
        expect(USAGE).toContain(`--${name}`);
        if ('env' in flag) expect(USAGE).toContain(flag.env);
      }
    }
  });
});

describe('createAdminCommand', () => {
  it("names the running server's embedded data folder as an absolute path, to run with the server stopped", () => {
    expect(createAdminCommand({ dataDir: '/var/lib/kassa' })).toEqual({
      command: 'kassa-server create-admin --username NAME --data /var/lib/kassa',
      note: 'with this server stopped: the embedded database opens in one process at a time',
    });
    expect(createAdminCommand({ dataDir: 'data' }).command).toBe(`kassa-server create-admin --username NAME --data ${process.cwd()}/data`);
    expect(createAdminCommand({ dataDir: "/srv/o'neil shop" }).command).toBe("kassa-server create-admin --username NAME --data '/srv/o'\\''neil shop'");
  });

  it("names the running server's PostgreSQL database without its password", () => {
    expect(createAdminCommand({ dataDir: 'data', databaseUrl: 'postgres://kassa:s3cret@db.local:5432/kassa' })).toEqual({
      command: "kassa-server create-admin --username NAME --database-url 'postgres://kassa:***@db.local:5432/kassa'",
      note: "the database's password where *** stands",
    });
    expect(createAdminCommand({ dataDir: 'data', databaseUrl: 'postgres://kassa@localhost/kassa' })).toEqual({
      command: 'kassa-server create-admin --username NAME --database-url postgres://kassa@localhost/kassa',
      note: 'also while this server runs',
    });
  });
});
