import { describe, expect, it } from 'vitest';
import { BoxError } from './errors.js';
import { parseConfig, parseHostPort, type BoxConfig } from './config.js';

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

describe('parseConfig', () => {
  it('has a default for every flag', () => {
    const config = run([]);
    expect(config).toMatchObject({ listen: { host: '0.0.0.0', port: 9000 }, http: { host: '127.0.0.1', port: 9080 }, dataDir: './data/iot-box', logLevel: 'info' });
    expect(config.server).toBeUndefined();
    expect(config.allow).toBeUndefined();
  });

  it('reads every flag from the environment, and a flag wins over its variable', () => {
    const env = { KASSA_BOX_LISTEN: '127.0.0.1:9100', KASSA_BOX_SERVER: 'https://pos.example.be', KASSA_BOX_TOKEN: 'secret-token', KASSA_BOX_DATA: '/var/lib/box', KASSA_BOX_ALLOW: '10.0.0.0/8', KASSA_BOX_LOG_LEVEL: 'warn', KASSA_BOX_HTTP: '0.0.0.0:8081' };
    const config = run(['--listen', '[::]:9200', '--log-level=debug'], env);
    expect(config).toMatchObject({ listen: { host: '::', port: 9200 }, http: { port: 8081 }, server: 'https://pos.example.be', token: 'secret-token', dataDir: '/var/lib/box', logLevel: 'debug' });
    expect(config.allow?.allows('10.1.2.3')).toBe(true);
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
  ])('refuses %j with BOX_BAD_CONFIG', (argv) => {
    expect(codeOf(() => parseConfig(argv, {}))).toBe('BOX_BAD_CONFIG');
  });

  it('parses IPv6 and host names in HOST:PORT', () => {
    expect(parseHostPort('[::1]:9000', 'x')).toEqual({ host: '::1', port: 9000 });
    expect(parseHostPort('box.local:0', 'x')).toEqual({ host: 'box.local', port: 0 });
  });
});
